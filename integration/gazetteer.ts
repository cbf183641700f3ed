// The gazetteer over the area registry (domain/gazetteer.ts), rebuilt when the registry changes.
import { Gazetteer } from "../domain/gazetteer.js";
import type { Tx } from "../prisma/db.js";

let cached: { signature: string; gazetteer: Gazetteer } | null = null;

/** The gazetteer of the areas the database holds now (one small query when nothing changed). */
export async function currentGazetteer(tx: Tx): Promise<Gazetteer> {
  const [sig] = await tx.$queryRawUnsafe<{ signature: string }[]>(
    `SELECT current_database() || ':' || count(*) || ':' || coalesce(max("updatedAt")::text, '') AS signature FROM "Area"`,
  );
  const signature = sig?.signature ?? "";
  if (cached?.signature !== signature) {
    const areas = await tx.$queryRawUnsafe<
      {
        code: string;
        name: string;
        level: "CITY" | "DISTRICT" | "STREET" | "COMMUNITY" | "GRID";
        parentCode: string | null;
      }[]
    >(
      `SELECT a.code, a.name, a.level::text AS level, p.code AS "parentCode"
       FROM "Area" a LEFT JOIN "Area" p ON p.id = a."parentId"`,
    );
    cached = { signature, gazetteer: new Gazetteer(areas) };
  }
  return cached.gazetteer;
}
