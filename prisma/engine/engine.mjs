// Prisma's schema engine, run from the WebAssembly build that ships inside the `prisma` npm
// package, over @prisma/adapter-pg. Government networks are air-gapped and this machine reaches
// only the npm registry, so the native engine binary the CLI would download is never needed.
// Used two ways: by ./schema-engine.mjs (a drop-in for the native binary, spawned by the real
// `prisma migrate …` CLI) and by the hub at start-up (applyMigrations).
//
// The five fixes (../shared/STACK.md, pitfall 2) are marked FIX below.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

const require = createRequire(import.meta.url);

// FIX: the wasm panic hook reports through this global; without it a panic is an opaque trap.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: "",
  set_message(m) {
    this.message = `RuntimeError: ${m}`;
  },
  get() {
    return this.message;
  },
};

let loaded;
/** Instantiate the wasm engine once per process. The wasm comes from the installed CLI's build. */
export function loadSchemaEngine() {
  if (loaded) return loaded;
  const wasmPath = path.join(
    path.dirname(require.resolve("prisma/package.json")),
    "build/schema_engine_bg.wasm",
  );
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmPath)), {
    "./schema_engine_bg.js": bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  loaded = { SchemaEngine: bg.SchemaEngine, version: bg.version(), wasmPath };
  return loaded;
}

// FIX: adapter-pg cannot decode PostgreSQL's internal "char" type (oid 18), which the engine's
// catalog queries return (pg_constraint.contype, and PostgreSQL 18 lists NOT NULL constraints
// there). Decode it as text and report the column as Character, which is what the engine reads.
const CHAR_OID = 18;
const TEXT_OID = 25;
const COLUMN_TYPE_CHARACTER = 6; // ColumnTypeEnum.Character in @prisma/driver-adapter-utils
// Which columns were "char" travels on the result's rows array, which queryRaw passes through
// unchanged: an AsyncLocalStorage here would switch on Node's promise hooks for the whole process
// (every await of every request pays for them once one storage has run).
const CHAR_COLUMNS = Symbol("charColumns");

function decodeCharColumns(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    const found = [];
    result.fields?.forEach((field, i) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      found.push(i);
    });
    if (found.length > 0 && Array.isArray(result.rows))
      Object.defineProperty(result.rows, CHAR_COLUMNS, { value: found });
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of result.rows?.[CHAR_COLUMNS] ?? []) result.columnTypes[i] = COLUMN_TYPE_CHARACTER;
    return result;
  };
  return queryable;
}

/** Discrete connection fields: with a connectionString, PrismaPg's shadow pool would reuse the main database. */
export function pgConfigFromUrl(url) {
  const u = new URL(url);
  const config = {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  };
  const schema = u.searchParams.get("schema");
  if (schema) config.options = `-c search_path=${schema}`;
  return config;
}

// FIX: adapter-pg's executeScript splits on ";" (breaking $$ bodies) and is not atomic. Send the
// script as one simple-protocol query: PostgreSQL runs it as one implicit transaction.
function patchAdapter(adapter) {
  decodeCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => decodeCharColumns(await startTransaction(...args));
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (e) {
      adapter.onError(e);
    }
  };
  return adapter;
}

/** A migration-aware adapter factory for PostgreSQL, with the fixes applied. */
export async function createAdapterFactory(url, { shadowDatabaseUrl, onConnect } = {}) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const config = pgConfigFromUrl(url);

  class MigrationPg extends PrismaPg {
    async connect() {
      const adapter = patchAdapter(await super.connect());
      onConnect?.(adapter);
      return adapter;
    }
    async connectToShadowDb() {
      if (shadowDatabaseUrl)
        return patchAdapter(await new PrismaPg(pgConfigFromUrl(shadowDatabaseUrl)).connect());
      // FIX: close the shadow pool before dropping its database, and drop WITH (FORCE). Needs CREATEDB.
      const main = await this.connect();
      const name = `prisma_migrate_shadow_db_${crypto.randomUUID().replaceAll("-", "")}`;
      await main.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = patchAdapter(await new PrismaPg({ ...config, database: name }).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await main.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await main.dispose();
      };
      return shadow;
    }
  }
  return new MigrationPg(config);
}

/** Start an engine instance over the given adapter factory and schema files. */
export async function createEngine(adapterFactory, schemaFiles = []) {
  const { SchemaEngine } = loadSchemaEngine();
  const debug = (msg) => process.env.SCHEMA_ENGINE_DEBUG && process.stderr.write(`[schema-engine] ${msg}\n`);
  return SchemaEngine.new(
    {
      datamodels: schemaFiles.length ? schemaFiles.map((f) => [f, fs.readFileSync(f, "utf8")]) : undefined,
    },
    debug,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

/** The engine's MigrationList, read from a migrations folder. */
export function readMigrationsList(migrationsDir) {
  const baseDir = path.resolve(migrationsDir);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = fs.existsSync(baseDir)
    ? fs
        .readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((d) => {
      const file = path.join(baseDir, d, "migration.sql");
      return {
        path: d,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok", value: fs.readFileSync(file, "utf8") }
            : { tag: "error", value: "migration.sql not found" },
        },
      };
    }),
  };
}

export const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * Apply pending migrations (what `prisma migrate deploy` does), in-process.
 * Returns the names of the migrations applied now.
 */
export async function applyMigrations(url, migrationsDir) {
  // Freeing the engine does not close its connections: closed here, or the session (and Prisma's
  // migration advisory lock, which it still holds) would live as long as the hub.
  const opened = [];
  const factory = await createAdapterFactory(url, { onConnect: (adapter) => opened.push(adapter) });
  const engine = await createEngine(factory);
  try {
    const out = await engine.applyMigrations({
      migrationsList: readMigrationsList(migrationsDir),
      filters: NO_FILTER,
    });
    return out.appliedMigrationNames;
  } catch (e) {
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY.get();
    throw new Error(`migration failed: ${e?.message ?? e}${panic ? `\n${panic}` : ""}`);
  } finally {
    engine.free?.();
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => undefined)));
  }
}
