// `npm run token -- --role city_commander --area 320600 [--role …] [--area …] [--sub alice]
//   [--dept public_security] [--purpose "…"] [--ttl 8h]`: mint a development token, signed with
// AUTH_JWT_SECRET (or the development secret). Production tokens come from the city's identity provider.
import { parseArgs } from "node:util";
import { normaliseAreaCode } from "../../domain/area.js";
import { isRole, ROLE_NAMES, type Role } from "../../domain/roles.js";
import { mintToken } from "../auth.js";
import { ConfigError, loadConfig } from "../config.js";

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    role: { type: "string", multiple: true },
    area: { type: "string", multiple: true },
    sub: { type: "string" },
    dept: { type: "string" },
    purpose: { type: "string" },
    ttl: { type: "string", default: "8h" },
  },
  strict: true,
});

let secret: string | null;
try {
  const config = loadConfig();
  secret = config.auth.secret;
  if (!secret)
    fail("the hub verifies RS256 tokens (public key or JWKS); mint those with your identity provider");
  const roles = values.role ?? [];
  if (roles.length === 0) fail(`--role is required; one of: ${ROLE_NAMES.join(", ")}`);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) fail(`unknown role ${unknown.join(", ")}; one of: ${ROLE_NAMES.join(", ")}`);
  const areas = (values.area ?? []).map(normaliseAreaCode);
  const bad = areas.filter((a) => !/^\d{6,15}$/.test(a));
  if (bad.length > 0) fail(`--area takes division codes (6–15 digits): ${bad.join(", ")}`);
  const token = await mintToken(
    secret,
    {
      sub: values.sub ?? `dev-${roles[0]}`,
      roles: roles as Role[],
      areas,
      ...(values.dept ? { dept: values.dept } : {}),
      ...(values.purpose ? { purpose: values.purpose } : {}),
    },
    { expiresIn: values.ttl, issuer: config.auth.issuer, audience: config.auth.audience },
  );
  process.stdout.write(`${token}\n`);
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}
