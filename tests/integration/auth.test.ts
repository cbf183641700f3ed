// Bearer tokens on both transports: valid tokens become principals; invalid or expired ones are
// refused with a stable code and a reason, before any resolver runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../gateway/auth.js";
import { WS_CLOSE_UNAUTHENTICATED } from "../../gateway/ws.js";
import { startTestHub, TEST_JWT_SECRET, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

const me = "{ me { subject roles department purpose jurisdiction { code } } }";

describe("HTTP", () => {
  it("turns a valid token into a principal", async () => {
    const token = await hub.token({
      sub: "alice",
      roles: ["district_commander"],
      areas: ["320612"],
      dept: "command_centre",
      purpose: "STATISTICS",
    });
    const r = await hub.gql(me, { token });
    expect(r.data).toEqual({
      me: {
        subject: "alice",
        roles: ["district_commander"],
        department: "command_centre",
        purpose: "STATISTICS",
        jurisdiction: [{ code: "320612" }],
      },
    });
  });

  const badTokens: [string, () => Promise<string>, string][] = [
    [
      "expired",
      () => mintToken(TEST_JWT_SECRET, { sub: "x", roles: ["analyst"], areas: [] }, { expiresIn: -10 }),
      "TOKEN_EXPIRED",
    ],
    [
      "signed with another secret",
      () => mintToken("another-secret-0123456789-0123456789", { sub: "x", roles: ["analyst"], areas: [] }),
      "TOKEN_INVALID",
    ],
    ["not a JWT", async () => "not.a.jwt", "TOKEN_INVALID"],
    [
      "carrying an unknown role",
      () => mintToken(TEST_JWT_SECRET, { sub: "x", roles: ["superuser" as "analyst"], areas: [] }),
      "CLAIMS_INVALID",
    ],
    [
      "without roles",
      () =>
        new SignJWT({ areas: [] })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject("x")
          .setExpirationTime("1h")
          .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      "CLAIMS_INVALID",
    ],
  ];

  it.each(badTokens)("refuses a token %s with 401 and reason", async (_what, make, reason) => {
    const r = await hub.gql(me, { token: await make() });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason });
    expect(r.headers.get("www-authenticate")).toContain("invalid_token");
  });

  it("refuses a token it answered before once the token has expired", async () => {
    // a verified token is remembered until its exp (gateway/auth.ts), never past it
    const token = await mintToken(
      TEST_JWT_SECRET,
      { sub: "brief", roles: ["analyst"], areas: [] },
      { expiresIn: "2s" },
    );
    for (let i = 0; i < 2; i++) expect((await hub.gql(me, { token })).status).toBe(200);
    const { exp } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 50));
    const r = await hub.gql(me, { token });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
  });

  it("refuses a malformed Authorization header", async () => {
    const r = await hub.gql(me, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.reason).toBe("MALFORMED_HEADER");
  });

  it("lets roles guard mutations: a commander may not edit the area registry", async () => {
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const r = await hub.gql(`mutation { updateArea(input: { code: "320602", name: "X" }) { name } }`, {
      token,
    });
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("WebSocket", () => {
  it("accepts the token in the connection_init payload", async () => {
    const token = await hub.token({ sub: "bob", roles: ["analyst"], areas: ["320600"] });
    const [result] = await take(hub.wsClient({ authorization: `Bearer ${token}` }), {
      query: "{ me { subject } }",
    });
    expect(result?.data).toEqual({ me: { subject: "bob" } });
  });

  it("closes the socket with 4401 for an expired token", async () => {
    const expired = await mintToken(
      TEST_JWT_SECRET,
      { sub: "x", roles: ["analyst"], areas: [] },
      { expiresIn: -10 },
    );
    const closed = await take(hub.wsClient({ authorization: `Bearer ${expired}` }), {
      query: "{ me { subject } }",
    }).then(
      () => null,
      (e: { code?: number; reason?: string }) => e,
    );
    expect(closed?.code).toBe(WS_CLOSE_UNAUTHENTICATED);
    expect(closed?.reason).toContain("TOKEN_EXPIRED");
  });
});

describe("RS256 with a public key file", () => {
  it("verifies tokens signed by the matching private key and refuses others", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const other = await generateKeyPair("RS256");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "citygraph-key-")), "public.pem");
    fs.writeFileSync(file, await exportSPKI(publicKey));
    const rsHub = await startTestHub({
      AUTH_JWT_SECRET: "",
      AUTH_JWT_PUBLIC_KEY_FILE: file,
      AUTH_ISSUER: "city-idp",
    });
    try {
      const sign = (key: typeof privateKey, iss: string) =>
        new SignJWT({ roles: ["analyst"], areas: ["320600"] })
          .setProtectedHeader({ alg: "RS256" })
          .setSubject("carol")
          .setIssuer(iss)
          .setExpirationTime("5m")
          .sign(key);
      expect((await rsHub.gql(me, { token: await sign(privateKey, "city-idp") })).data?.me).toMatchObject({
        subject: "carol",
      });
      expect(
        (await rsHub.gql(me, { token: await sign(other.privateKey, "city-idp") })).errors?.[0]?.extensions
          ?.reason,
      ).toBe("TOKEN_INVALID");
      expect(
        (await rsHub.gql(me, { token: await sign(privateKey, "elsewhere") })).errors?.[0]?.extensions?.reason,
      ).toBe("CLAIMS_INVALID");
    } finally {
      await rsHub.stop();
    }
  });
});
