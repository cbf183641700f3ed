// `npm run token -- --role city_commander --area 320600`: mint a development token, signed with
// AUTH_JWT_SECRET (or the development secret). Production tokens come from the city's identity provider.
// Exit codes: 0 token printed, 1 the area registry could not be read, 2 usage or configuration error.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Purpose } from "../../domain/access/purposes.js";
import { normaliseAreaCode } from "../../domain/area.js";
import { isRole, ROLE_NAMES, type Role } from "../../domain/roles.js";
import { demoAreaTree } from "../../integration/demo-areas.js";
import { mintToken } from "../auth.js";
import { ConfigError, type HubConfig, loadConfig } from "../config.js";

/** Words joined with ", ", in lines of at most `width` characters, continued after `indent`. */
function wrap(words: readonly string[], width: number, indent: string): string {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 2 <= width)
      lines[lines.length - 1] = `${last}, ${word}`;
    else {
      if (last !== undefined) lines[lines.length - 1] = `${last},`;
      lines.push(word);
    }
  }
  return lines.join(`\n${indent}`);
}

export const USAGE = `Usage: npm run token -- --role ROLE [--role ROLE …] [--area CODE …] [options]

Prints a bearer token for GraphiQL and scripts, signed with AUTH_JWT_SECRET
(or the development secret when none is set).

  --role ROLE        a role the token carries (repeatable, at least one), one of:
                     ${wrap(ROLE_NAMES, 62, " ".repeat(21))}
  --area CODE        the jurisdiction: a division code the area registry holds
                     (repeatable; each covers its subtree). Checked against the hub's
                     database (DATABASE_URL, else the embedded one on EMBEDDED_PG_PORT);
                     when that is not running, against the demo area tree the hub
                     seeds (DEMO_DATA).
  --sub NAME         the subject (default: dev-<first role>)
  --dept CODE        the department the caller acts for
  --purpose CODE     the declared purpose of processing: a configured purpose code
                     (PURPOSES_FILE, else the built-in list)
  --purpose-ref REF  the case or event reference a purpose may require
  --ttl SPAN         lifetime, e.g. 30m, 8h, 2d (default: 8h; at most
                     TOKEN_MAX_LIFETIME_SECONDS)
  -h, --help         print this text

Example: npm run token -- --role city_commander --area 320600`;

/** A mistake in the command line or the configuration: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export interface TokenRequest {
  roles: Role[];
  /** Normalised division codes (full-width digits and a 12-digit county code are accepted). */
  areas: string[];
  sub: string;
  dept: string | null;
  purpose: string | null;
  purposeRef: string | null;
  ttl: string;
}

const OPTIONS = {
  role: { type: "string", multiple: true },
  area: { type: "string", multiple: true },
  sub: { type: "string" },
  dept: { type: "string" },
  purpose: { type: "string" },
  "purpose-ref": { type: "string" },
  ttl: { type: "string", default: "8h" },
  help: { type: "boolean", short: "h" },
} as const;

// What jose accepts as a lifetime, less its rarer spellings.
const TTL = /^\d+ ?(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)$/;

/** The command line, checked: `help` or a request. Throws UsageError with a one-line message. */
export function parseTokenArgs(
  argv: readonly string[],
): { help: true } | { help: false; request: TokenRequest } {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const named = /'(-[^' ]+)/.exec((e as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${named}; see --help`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
      throw new UsageError(`unexpected argument ${/'([^']*)'/.exec((e as Error).message)?.[1]}; see --help`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
      throw new UsageError(`${named} needs a value; see --help`);
    throw e;
  }
  if (values.help) return { help: true };
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError(`--role is required; one of: ${ROLE_NAMES.join(", ")}`);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0)
    throw new UsageError(`unknown role ${unknown.join(", ")}; one of: ${ROLE_NAMES.join(", ")}`);
  const areas = [...new Set((values.area ?? []).map(normaliseAreaCode))];
  const malformed = areas.filter((a) => !/^\d{6,15}$/.test(a));
  if (malformed.length > 0)
    throw new UsageError(`--area takes division codes (6–15 digits): ${malformed.join(", ")}`);
  if (!TTL.test(values.ttl))
    throw new UsageError(`--ttl takes a span such as 30m, 8h or 2d, not "${values.ttl}"`);
  return {
    help: false,
    request: {
      roles: roles as Role[],
      areas,
      sub: values.sub ?? `dev-${roles[0]}`,
      dept: values.dept ?? null,
      purpose: values.purpose ?? null,
      purposeRef: values["purpose-ref"] ?? null,
      ttl: values.ttl,
    },
  };
}

/**
 * The declared purpose must be one the hub is configured with (the hub refuses a token naming
 * another), with the case or event reference it requires.
 */
export function checkPurpose(request: TokenRequest, purposes: readonly Purpose[]): void {
  if (request.purpose === null) {
    if (request.purposeRef !== null) throw new UsageError("--purpose-ref needs --purpose");
    return;
  }
  const purpose = purposes.find((p) => p.code === request.purpose);
  if (!purpose)
    throw new UsageError(
      `unknown purpose ${request.purpose}; one of: ${purposes.map((p) => p.code).join(", ")}`,
    );
  if (purpose.requiresReference && request.purposeRef === null)
    throw new UsageError(`--purpose ${purpose.code} needs --purpose-ref (a case or event reference)`);
}

/** Where the codes were checked, and which of them it does not hold. */
export interface AreaCheck {
  registry: string;
  unknown: string[];
}

/**
 * The area registry is the hub's database. When it does not answer (the embedded database runs
 * only while the hub does), the hub would seed the demo area tree on start (DEMO_DATA), so that
 * tree decides; with no demo tree there is nothing to check against, and the command refuses.
 */
export async function checkAreas(codes: readonly string[], config: HubConfig): Promise<AreaCheck> {
  if (codes.length === 0) return { registry: "none needed", unknown: [] };
  const url =
    config.databaseUrl ?? `postgresql://citygraph:citygraph@127.0.0.1:${config.embeddedPgPort}/citygraph`;
  const where = new URL(url).host;
  // One statement, so the command needs neither the generated Prisma client nor a pool.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let unreachable: string;
  try {
    await client.connect();
    const { rows } = await client.query<{ code: string }>(
      'SELECT code FROM "Area" WHERE code = ANY($1::text[])',
      [[...codes]],
    );
    const held = new Set(rows.map((r) => r.code));
    return { registry: `the area registry at ${where}`, unknown: codes.filter((c) => !held.has(c)) };
  } catch (e) {
    // 42P01: no Area table yet (the hub has never started on this database): as if not running.
    unreachable = (e as { code?: string }).code === "42P01" ? "not migrated yet" : (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
  if (!config.demoData)
    throw new AreaRegistryUnavailable(
      `cannot check --area: the area registry at ${where} does not answer (${unreachable}); start the hub or its database`,
    );
  const demo = new Set(demoAreaTree().map((a) => a.code));
  return {
    registry: `the demo area tree (the database at ${where} is not running)`,
    unknown: codes.filter((c) => !demo.has(c)),
  };
}

export class AreaRegistryUnavailable extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseTokenArgs(argv);
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { request } = parsed;
  let config: HubConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message.replace(/\n\s*/g, " "));
    throw e;
  }
  const secret = config.auth.secret;
  if (!secret)
    throw new UsageError(
      "the hub verifies RS256 tokens (public key or JWKS); mint those with your identity provider",
    );
  checkPurpose(request, config.purposes);
  const { registry, unknown } = await checkAreas(request.areas, config);
  if (unknown.length > 0) throw new UsageError(`--area ${unknown.join(", ")}: not held by ${registry}`);
  const token = await mintToken(
    secret,
    {
      sub: request.sub,
      roles: request.roles,
      areas: request.areas,
      ...(request.dept ? { dept: request.dept } : {}),
      ...(request.purpose ? { purpose: request.purpose } : {}),
      ...(request.purposeRef ? { purposeRef: request.purposeRef } : {}),
    },
    { expiresIn: request.ttl, issuer: config.auth.issuer, audience: config.auth.audience },
  );
  process.stdout.write(`${token}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`token: ${e.message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
