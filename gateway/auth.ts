// Bearer tokens → principals. HS256 with a shared secret, or RS256 with a public key (PEM) or a
// JWKS file: no key is ever fetched over the network (air-gapped deployments).
import fs from "node:fs";
import {
  createLocalJWKSet,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import { z } from "zod";
import { normaliseAreaCode } from "../domain/area.js";
import type { Principal } from "../domain/principal.js";
import { isRole, type Role } from "../domain/roles.js";
import type { HubConfig } from "./config.js";

/** Why a token was refused; sent to the client as `extensions.reason`. */
export type TokenProblem =
  | "MALFORMED_HEADER"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_INVALID"
  | "CLAIMS_INVALID";

export class AuthError extends Error {
  constructor(
    readonly reason: TokenProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The claims CityGraph reads. `areas` are division codes; each grants its subtree. */
const claimsSchema = z.object({
  sub: z.string().min(1, "sub is required"),
  roles: z.array(z.string()).min(1, "roles must name at least one role"),
  dept: z.string().min(1).optional(),
  areas: z.array(z.string().regex(/^\d{6,15}$/, "area codes are 6–15 digits")).default([]),
  purpose: z.string().max(64).optional(),
  purpose_ref: z.string().max(100).optional(),
});

export type TokenClaims = {
  sub: string;
  roles: Role[];
  dept?: string;
  areas: string[];
  purpose?: string;
  purposeRef?: string;
};

export interface TokenVerifier {
  /** Principal for an Authorization header value; anonymous-less: throws AuthError when invalid. */
  verify(authorization: string): Promise<Omit<Principal, "jurisdictionPaths">>;
}

/** Verified tokens remembered at most (then forgotten all at once, and verified again). */
const VERIFIED_MAX = 10_000;

export async function createTokenVerifier(auth: HubConfig["auth"]): Promise<TokenVerifier> {
  let key: Awaited<ReturnType<typeof importSPKI>> | JWTVerifyGetKey;
  let algorithms: string[];
  if (auth.jwksFile) {
    key = createLocalJWKSet(JSON.parse(fs.readFileSync(auth.jwksFile, "utf8")));
    algorithms = ["RS256", "ES256", "PS256"];
  } else if (auth.publicKeyFile) {
    key = await importSPKI(fs.readFileSync(auth.publicKeyFile, "utf8"), "RS256");
    algorithms = ["RS256"];
  } else if (auth.secret) {
    // Imported once: given the raw bytes, jose would import them anew on every verification.
    key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(auth.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    algorithms = ["HS256"];
  } else {
    throw new Error("no token key configured");
  }
  const options = {
    algorithms,
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };

  // A token verified once answers the same until it expires (its claims, its signature, the key):
  // a client sending the same token on every request is verified once, not each time (HMAC or RSA
  // and the claims' parsing were 5 % of a read's CPU). Bounded; an expired entry is never served.
  const verified = new Map<string, { principal: Omit<Principal, "jurisdictionPaths">; until: number }>();

  return {
    async verify(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new AuthError("MALFORMED_HEADER", 'Authorization header must be "Bearer <token>"');
      const hit = verified.get(match[1]!);
      if (hit && Date.now() < hit.until) return hit.principal;
      let payload: JWTPayload;
      try {
        // jose's overloads differ for a key and a key set; both are valid here.
        payload =
          typeof key === "function"
            ? (await jwtVerify(match[1]!, key, options)).payload
            : (await jwtVerify(match[1]!, key, options)).payload;
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw new AuthError("TOKEN_EXPIRED", "token has expired");
        if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "nbf")
          throw new AuthError("TOKEN_NOT_YET_VALID", "token is not valid yet");
        if (e instanceof joseErrors.JWTClaimValidationFailed)
          throw new AuthError("CLAIMS_INVALID", `token claim "${e.claim}" is invalid`);
        throw new AuthError("TOKEN_INVALID", "token signature or format is invalid");
      }
      // A token without an expiry, or one living longer than configured, would outlive any
      // revocation: both are refused (TOKEN_MAX_LIFETIME_SECONDS).
      if (typeof payload.exp !== "number") throw new AuthError("CLAIMS_INVALID", "token has no exp");
      const lifetime = payload.exp - (payload.iat ?? Math.floor(Date.now() / 1000));
      if (lifetime > auth.maxLifetimeSeconds)
        throw new AuthError(
          "CLAIMS_INVALID",
          `token lives ${lifetime} s (exp − ${payload.iat === undefined ? "now" : "iat"}), more than the ${auth.maxLifetimeSeconds} s allowed`,
        );
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        const issue = claims.error.issues[0]!;
        throw new AuthError("CLAIMS_INVALID", `token claim "${issue.path.join(".")}": ${issue.message}`);
      }
      const unknown = claims.data.roles.filter((r) => !isRole(r));
      if (unknown.length > 0)
        throw new AuthError("CLAIMS_INVALID", `token names unknown roles: ${unknown.join(", ")}`);
      const principal = {
        subject: claims.data.sub,
        roles: claims.data.roles as Role[],
        department: claims.data.dept ?? null,
        jurisdiction: claims.data.areas.map(normaliseAreaCode),
        purpose: claims.data.purpose ?? null,
        purposeRef: claims.data.purpose_ref ?? null,
        authenticated: true,
      } as const;
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(match[1]!, { principal, until: payload.exp * 1000 });
      return principal;
    },
  };
}

/** Mint an HS256 token (development and tests; production tokens come from the city's IdP). */
export async function mintToken(
  secret: string,
  claims: TokenClaims,
  options: { expiresIn?: string | number; issuer?: string | null; audience?: string | null } = {},
): Promise<string> {
  let jwt = new SignJWT({
    roles: claims.roles,
    areas: claims.areas,
    dept: claims.dept,
    purpose: claims.purpose,
    purpose_ref: claims.purposeRef,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "8h");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
