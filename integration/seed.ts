// Reference data every hub needs (departments), and the demo area tree for the embedded default.
import { DEPARTMENTS } from "../domain/departments.js";
import type { Db } from "../prisma/db.js";
import { type AreaInput, upsertAreaTree } from "./area-registry.js";

export async function seedDepartments(db: Db): Promise<void> {
  for (const d of DEPARTMENTS) {
    await db.department.upsert({ where: { code: d.code }, create: { ...d }, update: { name: d.name } });
  }
}

export async function seedReferenceData(db: Db, demoAreas: readonly AreaInput[] | null) {
  await seedDepartments(db);
  // The demo tree only fills in what is missing: corrections made through the API are kept.
  return demoAreas ? upsertAreaTree(db, demoAreas, "insert-missing") : { created: 0, updated: 0 };
}
