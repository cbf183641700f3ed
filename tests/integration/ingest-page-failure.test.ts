// A page is one transaction: a record the database refuses fails the page whole, with the
// database's error, and leaves nothing of it behind (no record, link or person of the page).
// Real PostgreSQL; the refusal is a trigger.
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../prisma/db.js";
import { citizenId, ingestDrafts, personDraft } from "../support/drafts.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb((d) => {
  db = d;
});
beforeAll(async () => {
  await db.$executeRawUnsafe(`CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW."sourceKey" LIKE 'refused-%' THEN RAISE EXCEPTION 'record % refused for the test', NEW."sourceKey"; END IF;
    RETURN NEW; END $$`);
  await db.$executeRawUnsafe(
    `CREATE TRIGGER refuse_record BEFORE INSERT ON "SourceRecord" FOR EACH ROW EXECUTE FUNCTION refuse_record()`,
  );
});

const page = (keys: string[]) =>
  keys.map((key, i): [string, ReturnType<typeof personDraft>[]] => [
    key,
    [
      personDraft("person", {
        name: `周${"明亮"[i % 2]}`,
        citizenId: citizenId(`32060219800101${String(100 + i)}`),
      }),
    ],
  ]);
const stored = async (keys: string[]) => ({
  records: await db.sourceRecord.count({ where: { sourceKey: { in: keys } } }),
  links: await db.entitySource.count({ where: { sourceRecord: { sourceKey: { in: keys } } } }),
  persons: await db.person.count({
    where: { citizenId: { in: keys.map((_, i) => citizenId(`32060219800101${String(100 + i)}`)) } },
  }),
});

describe("a page the database refuses", () => {
  it("fails whole with the database's error and leaves nothing behind", async () => {
    const keys = ["kept-1", "refused-2", "kept-3"];
    await expect(ingestDrafts(db, "page-failure", "grid", page(keys))).rejects.toThrow(
      /record refused-2 refused/,
    );
    expect(await stored(keys)).toEqual({ records: 0, links: 0, persons: 0 });
  });

  it("is written whole when every record is accepted (positive control)", async () => {
    const keys = ["kept-1", "kept-2", "kept-3"];
    const outcome = await ingestDrafts(db, "page-failure", "grid", page(keys));
    expect(outcome.ingested).toBe(3);
    expect(await stored(keys)).toEqual({ records: 3, links: 3, persons: 3 });
  });
});
