// Tokens must carry `exp`, within TOKEN_MAX_LIFETIME_SECONDS: a token without an expiry (or one
// valid for a year) would outlive any revocation.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AuthError, createTokenVerifier, mintToken } from "../../gateway/auth.js";
import { loadConfig } from "../../gateway/config.js";

const SECRET = "unit-secret-0123456789-0123456789-abcdef";
const config = loadConfig({ AUTH_JWT_SECRET: SECRET, TOKEN_MAX_LIFETIME_SECONDS: "3600" });
const key = new TextEncoder().encode(SECRET);
const claims = { roles: ["city_commander"], areas: ["320600"] };
const now = () => Math.floor(Date.now() / 1000);

async function refusal(token: string): Promise<AuthError> {
  const verifier = await createTokenVerifier(config.auth);
  const e = await verifier.verify(`Bearer ${token}`).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AuthError);
  return e as AuthError;
}

describe("token lifetime", () => {
  it("defaults to at most 12 hours", () => {
    expect(loadConfig({}).auth.maxLifetimeSeconds).toBe(12 * 3600);
  });

  it("refuses a token without exp", async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u1")
      .setIssuedAt()
      .sign(key);
    const e = await refusal(token);
    expect(e.reason).toBe("CLAIMS_INVALID");
    expect(e.message).toBe("token has no exp");
  });

  it("refuses exp − iat beyond the maximum, and exp − now when there is no iat", async () => {
    const long = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u1")
      .setIssuedAt()
      .setExpirationTime(now() + 3601)
      .sign(key);
    expect((await refusal(long)).message).toMatch(/token lives 3601 s \(exp − iat\), more than the 3600 s/);
    const noIat = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u1")
      .setExpirationTime(now() + 2 * 3600)
      .sign(key);
    const e = await refusal(noIat);
    expect(e.reason).toBe("CLAIMS_INVALID");
    expect(e.message).toMatch(/\(exp − now\), more than the 3600 s/);
  });

  it("accepts a token within the maximum (positive control), with and without iat", async () => {
    const verifier = await createTokenVerifier(config.auth);
    const minted = await mintToken(
      SECRET,
      { sub: "u1", roles: ["city_commander"], areas: [] },
      { expiresIn: "1h" },
    );
    expect((await verifier.verify(`Bearer ${minted}`)).subject).toBe("u1");
    const noIat = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u2")
      .setExpirationTime(now() + 600)
      .sign(key);
    expect((await verifier.verify(`Bearer ${noIat}`)).subject).toBe("u2");
  });

  it("mints tokens (npm run token's default, 8 h) within the default maximum", async () => {
    const verifier = await createTokenVerifier(loadConfig({ AUTH_JWT_SECRET: SECRET }).auth);
    const minted = await mintToken(SECRET, { sub: "u3", roles: ["city_commander"], areas: [] });
    expect((await verifier.verify(`Bearer ${minted}`)).subject).toBe("u3");
  });
});
