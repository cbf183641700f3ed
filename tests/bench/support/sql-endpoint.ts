// The floor for bench:query: hand-written SQL over HTTP. node:http and a pg Pool, one SQL
// statement per request; PostgreSQL builds the whole JSON answer (json_build_object/json_agg) in
// the hub's response shape (Relay global ids, cursors, ISO timestamps), and the answer is passed
// through as text, never parsed here. No GraphQL, no authorisation, no masking: what serving the
// same answer costs at the least. Runs as a process of its own:
//
//   DATABASE_URL=postgresql://… PORT=0 node --import tsx tests/bench/support/sql-endpoint.ts
//
// prints `SQL_ENDPOINT_LISTENING http://127.0.0.1:PORT`. Routes (POST, a GraphQL-style JSON body
// of which only `variables` is read):
//   /person-360   { citizenId }            → { data: { person } }  as operations/person-360.graphql
//   /area-events  { code, first, after? }  → { data: { events } }  as operations/area-events.graphql
// DB_POOL_MAX (default 10, the hub's default) sizes the pool. SIGTERM closes server and pool.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** A Relay global id as the hub writes it: base64("Type:uuid"). */
const GID = (type: string, id: string) => `encode(convert_to(${type} || ':' || ${id}, 'UTF8'), 'base64')`;
/**
 * An event list's cursor as the hub writes it (resolvers/events.ts EVENT_CURSOR, plugin-prisma's
 * compound cursor): base64('GPC:T:["D:<occurredAt ms>","S:<uuid>"]'), one line.
 */
const EVENT_CURSOR = (e: string) =>
  `replace(encode(convert_to('GPC:T:["D:' || (extract(epoch FROM ${e}."occurredAt") * 1000)::bigint || '","S:' || ${e}.id::text || '"]', 'UTF8'), 'base64'), E'\\n', '')`;
/** The hub's event types are the kind in PascalCase: POLICE_INCIDENT → PoliceIncident. */
const EVENT_TYPE = `replace(initcap(replace(lower(e.kind::text), '_', ' ')), ' ', '')`;
/** ISO 8601 with milliseconds, as GraphQL DateTime prints a timestamp(3). */
const ISO = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** An event's parties, as `parties { role person { id name } }` (role, then person id). */
const PARTIES = `(SELECT coalesce(json_agg(json_build_object(
      'role', ep.role, 'person', json_build_object('id', ${GID("'Person'", "pp.id::text")}, 'name', pp.name))
      ORDER BY ep.role, ep."personId"), '[]'::json)
    FROM "EventPerson" ep JOIN "Person" pp ON pp.id = ep."personId" WHERE ep."eventId" = e.id)`;

export const PERSON_360_SQL = `
SELECT json_build_object(
  'id', ${GID("'Person'", "p.id::text")},
  'name', p.name, 'citizenId', p."citizenId", 'phone', p.phone, 'sex', p.sex,
  'birthDate', to_char(p."birthDate", 'YYYY-MM-DD'),
  'addresses', (SELECT coalesce(json_agg(json_build_object(
        'kind', pa.kind,
        'address', json_build_object('id', ${GID("'Address'", "ad.id::text")}, 'fullText', ad."fullText",
                                     'area', json_build_object('code', ar.code, 'name', ar.name)))
        ORDER BY pa.kind, pa."addressId"), '[]'::json)
      FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId" JOIN "Area" ar ON ar.id = ad."areaId"
     WHERE pa."personId" = p.id),
  'organisations', (SELECT coalesce(json_agg(json_build_object(
        'role', po.role,
        'organisation', json_build_object('id', ${GID("'Organisation'", "o.id::text")}, 'name', o.name,
                                          'uscc', o.uscc, 'kind', o.kind))
        ORDER BY po.role, po."organisationId"), '[]'::json)
      FROM "PersonOrganisation" po JOIN "Organisation" o ON o.id = po."organisationId"
     WHERE po."personId" = p.id),
  'events', json_build_object(
    'totalCount', (SELECT count(*) FROM "EventPerson" c WHERE c."personId" = p.id),
    'edges', (SELECT coalesce(json_agg(json_build_object(
        'role', x.role,
        'node', json_build_object(
          'id', ${GID(EVENT_TYPE, "e.id::text")}, 'kind', e.kind, 'title', e.title, 'status', e.status,
          'occurredAt', ${ISO('e."occurredAt"')}, 'warningLevel', e."warningLevel",
          'area', json_build_object('code', ar.code, 'name', ar.name),
          'address', CASE WHEN ad.id IS NULL THEN NULL ELSE json_build_object('fullText', ad."fullText") END,
          'parties', ${PARTIES}))
        ORDER BY e."occurredAt" DESC, x."eventId", x.role), '[]'::json)
      FROM (SELECT ep.role, ep."eventId" FROM "EventPerson" ep JOIN "Event" ev ON ev.id = ep."eventId"
             WHERE ep."personId" = p.id ORDER BY ev."occurredAt" DESC, ep."eventId", ep.role LIMIT 20) x
      JOIN "Event" e ON e.id = x."eventId" JOIN "Area" ar ON ar.id = e."areaId"
      LEFT JOIN "Address" ad ON ad.id = e."addressId")),
  'sources', (SELECT coalesce(json_agg(json_build_object(
        'connectorId', sr."connectorId", 'sourceKey', sr."sourceKey", 'fetchedAt', ${ISO('sr."fetchedAt"')})
        ORDER BY s."linkedAt", s."sourceRecordId", s.ref), '[]'::json)
      FROM "EntitySource" s JOIN "SourceRecord" sr ON sr.id = s."sourceRecordId"
     WHERE s."entityType" = 'PERSON' AND s."entityId" = p.id)
)::text AS json
FROM "Person" p WHERE p."citizenId" = $1`;

/**
 * $1 area code, $2 page size, $3 the event id of the `after` cursor (or null). Newest first, the
 * id breaking ties; one more row than asked says whether there is a next page.
 */
export const AREA_EVENTS_SQL = `
WITH scope AS (
  SELECT c."descendantId" AS "areaId" FROM "AreaClosure" c JOIN "Area" a ON a.id = c."ancestorId" WHERE a.code = $1
), anchor AS (
  SELECT "occurredAt", id FROM "Event" WHERE id = $3::uuid
), page AS (
  SELECT e.* FROM "Event" e
   WHERE e."areaId" IN (SELECT "areaId" FROM scope)
     AND ($3::uuid IS NULL OR e."occurredAt" < (SELECT "occurredAt" FROM anchor)
          OR (e."occurredAt" = (SELECT "occurredAt" FROM anchor) AND e.id > $3::uuid))
   ORDER BY e."occurredAt" DESC, e.id LIMIT $2 + 1
), numbered AS (
  SELECT page.*, row_number() OVER (ORDER BY "occurredAt" DESC, id) AS n FROM page
), shown AS (
  SELECT * FROM numbered WHERE n <= $2
)
SELECT json_build_object(
  'totalCount', (SELECT count(*) FROM "Event" e WHERE e."areaId" IN (SELECT "areaId" FROM scope)),
  'pageInfo', json_build_object(
    'hasNextPage', (SELECT count(*) FROM numbered) > $2,
    'endCursor', (SELECT ${EVENT_CURSOR("e")} FROM shown e ORDER BY n DESC LIMIT 1)),
  'edges', (SELECT coalesce(json_agg(json_build_object(
      'cursor', ${EVENT_CURSOR("e")},
      'node', json_build_object(
        'id', ${GID(EVENT_TYPE, "e.id::text")}, 'kind', e.kind, 'title', e.title, 'status', e.status,
        'occurredAt', ${ISO('e."occurredAt"')}, 'warningLevel', e."warningLevel",
        'area', json_build_object('code', ar.code, 'name', ar.name),
        'parties', ${PARTIES}))
      ORDER BY e.n), '[]'::json)
    FROM shown e JOIN "Area" ar ON ar.id = e."areaId")
)::text AS json`;

/** The event id inside a hub cursor (base64 'GPC:T:["D:<ms>","S:<uuid>"]'), or null. */
export function cursorEventId(cursor: unknown): string | null {
  if (typeof cursor !== "string" || cursor === "") return null;
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  const match = /^GPC:T:\["D:\d+","S:([0-9a-f-]{36})"\]$/.exec(decoded);
  if (!match) throw new Error("not a cursor of this endpoint");
  return match[1]!;
}

const MAX_BODY = 64 * 1024;

async function main(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is required");
  const pool = new pg.Pool({ connectionString, max: Number(process.env.DB_POOL_MAX ?? 10) });
  pool.on("error", (e) => process.stderr.write(`pool error: ${e.message}\n`));

  const reply = (res: http.ServerResponse, status: number, body: string) =>
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(body);
  const fail = (res: http.ServerResponse, status: number, message: string) =>
    reply(res, status, JSON.stringify({ errors: [{ message }] }));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      void (async () => {
        if (req.method !== "POST") return fail(res, 405, "POST only");
        if (size > MAX_BODY) return fail(res, 413, "body too large");
        let variables: Record<string, unknown>;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { variables?: unknown };
          variables = (body.variables ?? {}) as Record<string, unknown>;
        } catch {
          return fail(res, 400, "body is not JSON");
        }
        if (req.url === "/person-360") {
          if (typeof variables.citizenId !== "string") return fail(res, 400, "citizenId required");
          const { rows } = await pool.query<{ json: string }>({
            name: "person-360",
            text: PERSON_360_SQL,
            values: [variables.citizenId],
          });
          return reply(res, 200, `{"data":{"person":${rows[0]?.json ?? "null"}}}`);
        }
        if (req.url === "/area-events") {
          const first = variables.first;
          if (typeof variables.code !== "string" || !Number.isInteger(first) || (first as number) < 0)
            return fail(res, 400, "code and first required");
          let after: string | null;
          try {
            after = cursorEventId(variables.after);
          } catch (e) {
            return fail(res, 400, (e as Error).message);
          }
          const { rows } = await pool.query<{ json: string }>({
            name: "area-events",
            text: AREA_EVENTS_SQL,
            values: [variables.code, first, after],
          });
          return reply(res, 200, `{"data":{"events":${rows[0]!.json}}}`);
        }
        return fail(res, 404, `no route ${req.url}`);
      })().catch((e: Error) => {
        process.stderr.write(`request failed: ${e.message}\n`);
        if (!res.headersSent) fail(res, 500, "internal error");
        else res.end();
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`SQL_ENDPOINT_LISTENING http://127.0.0.1:${port}\n`);

  const shutdown = () => {
    server.closeAllConnections();
    server.close();
    void pool.end().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly)
  main().catch((e: Error) => {
    process.stderr.write(`sql endpoint failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
