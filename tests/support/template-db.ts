// A file's own database, cloned from the migrated, seeded template before its tests and dropped
// after them, with a client on it: the set-up every database test file shares.
import { afterAll, beforeAll, inject } from "vitest";
import { createDb, type Db } from "../../prisma/db.js";
import { cloneTemplate } from "./pg.js";

/** Registers the file's hooks; `use` receives the client (and its URL) before any test runs. */
export function useTemplateDb(use: (db: Db, url: string) => void, { poolMax = 4 } = {}): void {
  let db: Db | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
    drop = database.drop;
    db = createDb({ url: database.url, poolMax });
    use(db, database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await drop?.();
  });
}
