#!/usr/bin/env node
// Drop-in for the native `schema-engine` binary, named by PRISMA_SCHEMA_ENGINE_BINARY in
// prisma.config.ts so that the real `prisma migrate dev|deploy|status|reset|diff` and `db pull`
// run with no download. The CLI spawns `<bin> [--datamodels <file>]… [--datasource <json>]` and
// speaks newline-delimited JSON-RPC 2.0 over stdin/stdout; stderr carries JSON log lines.
import readline from "node:readline";
import { createAdapterFactory, createEngine, loadSchemaEngine } from "./engine.mjs";

const argv = process.argv.slice(2);
if (argv.includes("--version")) {
  console.log(`schema-engine-cli ${loadSchemaEngine().version} (wasm)`);
  process.exit(0);
}
if (argv.includes("cli")) {
  // `… cli can-connect-to-database|create-database|drop-database`: the databases this hub uses
  // are created by their operator (or by the embedded PostgreSQL), so there is nothing to do.
  process.exit(0);
}

const datamodels = [];
let datasource = null;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--datamodels") datamodels.push(argv[++i]);
  else if (argv[i] === "--datasource") datasource = JSON.parse(argv[++i]);
}
if (!datasource?.url) {
  process.stderr.write("schema-engine (wasm): no datasource url; set DATABASE_URL\n");
  process.exit(1);
}

const log = (level, message) =>
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message }, target: "schema_engine_wasm" })}\n`,
  );

let enginePromise;
const getEngine = () => {
  enginePromise ??= createAdapterFactory(datasource.url, {
    shadowDatabaseUrl: datasource.shadowDatabaseUrl,
  }).then((factory) => createEngine(factory, datamodels));
  return enginePromise;
};

const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
// The native engine prints `diff` output through a "print" request to the CLI.
let nextOutgoingId = 1_000_000;
const awaitingCli = new Map();
const printToCli = (content) =>
  new Promise((resolve) => {
    const id = nextOutgoingId++;
    awaitingCli.set(id, resolve);
    send({ jsonrpc: "2.0", id, method: "print", params: { content } });
  });

const RENAMED = { getDatabaseVersion: "version" };
// FIX (STACK.md): the wasm engine cannot open a shadow database by itself; devDiagnostic fills its
// cache of the migrations' schema through our adapter. applyMigrations empties that cache, so it
// is filled again right before each method that reads it.
const NEEDS_SHADOW_CACHE = new Set(["createMigration", "evaluateDataLoss"]);

async function handle(request) {
  if (request.method === "createDatabase") return { databaseName: new URL(datasource.url).pathname.slice(1) };
  const engine = await getEngine();
  const name = RENAMED[request.method] ?? request.method;
  if (typeof engine[name] !== "function")
    throw new Error(`method ${request.method} is not in the wasm schema engine`);
  const params = request.params ?? {};
  if (NEEDS_SHADOW_CACHE.has(name)) {
    await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
  }
  const result = await engine[name](params);
  if (name === "diff" && typeof result?.stdout === "string") {
    await printToCli(result.stdout);
    return { exitCode: result.exitCode };
  }
  return result ?? {};
}

const inflight = new Set();
readline
  .createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  .on("line", (line) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line);
    if (msg.method === undefined && awaitingCli.has(msg.id)) {
      awaitingCli.get(msg.id)(msg.result);
      awaitingCli.delete(msg.id);
      return;
    }
    const p = handle(msg).then(
      (result) => send({ jsonrpc: "2.0", id: msg.id, result }),
      (e) => {
        const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY?.get?.();
        const message = String(e?.message ?? e) + (panic ? `\n${panic}` : "");
        log("ERROR", message);
        send({
          jsonrpc: "2.0",
          id: msg.id,
          error: {
            code: 4466,
            message: "An error happened. Check the data field for details.",
            data: { is_panic: Boolean(panic), message, meta: null, error_code: null },
          },
        });
      },
    );
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  })
  .on("close", async () => {
    await Promise.allSettled([...inflight]);
    process.exit(0);
  });
