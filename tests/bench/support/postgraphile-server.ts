// PostGraphile 5 over the CityGraph database, as a user who picked it instead of the hub would run
// it: the amber preset, the node-postgres adaptor, the `public` schema with default inflection,
// plus the bench-only schema `bench_pgl` holding the few computed columns a PostGraphile user
// would write for what the generated schema cannot express (BENCH_PGL_SQL below). For bench:query;
// runs as a process of its own:
//
//   DATABASE_URL=postgresql://… PORT=0 node --import tsx tests/bench/support/postgraphile-server.ts
//
// prints `POSTGRAPHILE_LISTENING http://127.0.0.1:PORT` once it serves POST /graphql. DB_POOL_MAX
// (default 10, the hub's default) sizes its pool. SIGTERM closes the server and the pool.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const BENCH_PGL_SCHEMA = "bench_pgl";

/**
 * Computed columns (PostGraphile exposes `"Table_name"(row "Table") RETURNS SETOF …` as a connection
 * field `name` of `Table`; the `+order` behaviour gives it the table's orderBy argument):
 *   Area.eventsInSubtree: the events of the area and everything under it (AreaClosure), sortable;
 *   Person.eventParts:    the person's EventPerson rows, newest event first (the generated
 *                         orderBy cannot sort by a column of the related Event);
 *   Person.sources:       the person's provenance links (EntitySource has no foreign key to
 *                         Person: one table serves five entity types).
 */
const BENCH_PGL_SQL = `
CREATE SCHEMA IF NOT EXISTS ${BENCH_PGL_SCHEMA};
CREATE OR REPLACE FUNCTION ${BENCH_PGL_SCHEMA}."Area_eventsInSubtree"(a public."Area")
  RETURNS SETOF public."Event" LANGUAGE sql STABLE AS $$
    SELECT e.* FROM public."Event" e
     WHERE e."areaId" IN (SELECT c."descendantId" FROM public."AreaClosure" c WHERE c."ancestorId" = a.id)
  $$;
COMMENT ON FUNCTION ${BENCH_PGL_SCHEMA}."Area_eventsInSubtree"(public."Area") IS E'@behavior +order +orderBy';
CREATE OR REPLACE FUNCTION ${BENCH_PGL_SCHEMA}."Person_eventParts"(p public."Person")
  RETURNS SETOF public."EventPerson" LANGUAGE sql STABLE AS $$
    SELECT ep.* FROM public."EventPerson" ep JOIN public."Event" e ON e.id = ep."eventId"
     WHERE ep."personId" = p.id
     ORDER BY e."occurredAt" DESC, ep."eventId", ep.role
  $$;
CREATE OR REPLACE FUNCTION ${BENCH_PGL_SCHEMA}."Person_sources"(p public."Person")
  RETURNS SETOF public."EntitySource" LANGUAGE sql STABLE AS $$
    SELECT s.* FROM public."EntitySource" s
     WHERE s."entityType" = 'PERSON' AND s."entityId" = p.id
     ORDER BY s."linkedAt", s."sourceRecordId", s.ref
  $$;
`;

/** Create the bench-only schema (idempotent): the server does so before it introspects. */
async function installBenchSchema(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(BENCH_PGL_SQL);
  } finally {
    await client.end();
  }
}

/**
 * PostGraphile 5 targets Node ≥ 22 and calls Promise.withResolvers (V8 12.2) throughout; on Node 20
 * every plan fails with "Cannot read properties of undefined". The standard behaviour, defined
 * before PostGraphile is loaded (hence the dynamic imports below).
 */
function polyfillPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === "function") return;
  P.withResolvers = () => {
    let resolve!: (value: unknown) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

async function main(): Promise<void> {
  polyfillPromiseWithResolvers();
  const [{ postgraphile }, { makePgService }, { grafserv }, { PostGraphileAmberPreset }] = await Promise.all([
    import("postgraphile"),
    import("postgraphile/adaptors/pg"),
    import("postgraphile/grafserv/node"),
    import("postgraphile/presets/amber"),
  ]);
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is required");
  const port = Number(process.env.PORT ?? 0);
  const poolMax = Number(process.env.DB_POOL_MAX ?? 10);
  await installBenchSchema(connectionString);

  const preset: GraphileConfig.Preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        connectionString,
        schemas: ["public", BENCH_PGL_SCHEMA],
        poolConfig: { max: poolMax },
      }),
    ],
    grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false, maxRequestLength: 1024 * 1024 },
    grafast: { explain: false },
  };
  const pgl = postgraphile(preset);
  await pgl.getSchema(); // introspect and build before listening
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.on("error", (e) => {
    process.stderr.write(`postgraphile server error: ${e.message}\n`);
  });
  serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address() as AddressInfo;
  process.stdout.write(`POSTGRAPHILE_LISTENING http://127.0.0.1:${actual}\n`);

  const shutdown = () => {
    server.closeAllConnections();
    server.close();
    void Promise.resolve(pgl.release()).finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly)
  main().catch((e: Error) => {
    process.stderr.write(`postgraphile server failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
