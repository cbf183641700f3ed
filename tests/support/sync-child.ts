// A sync run in its own process, for the crash test: the test SIGKILLs it mid-run.
// Usage: node --import tsx tests/support/sync-child.ts <databaseUrl> <system> <baseUrl> <pageSize>
import { builtinConnectors, type DepartmentSystem } from "../../connectors/departments/index.js";
import { SyncEngine } from "../../integration/sync/engine.js";
import { createDb } from "../../prisma/db.js";

const [databaseUrl, system, baseUrl, pageSize] = process.argv.slice(2) as [
  string,
  DepartmentSystem,
  string,
  string,
];
const db = createDb({ url: databaseUrl, poolMax: 2 });
const [connector] = builtinConnectors({ [system]: baseUrl });
const small = {
  ...connector!,
  manifest: {
    ...connector!.manifest,
    schedule: { ...connector!.manifest.schedule, pageSize: Number(pageSize) },
  },
};
const engine = new SyncEngine(db);
await engine.register(small, "BUILTIN");
process.stdout.write("registered\n");
const report = await engine.run(small.manifest.id);
process.stdout.write(`${JSON.stringify(report)}\n`);
await db.$disconnect();
