// A statement inside a larger transaction that may lose a unique key to another writer (a connector
// side by side, another hub instance): it waits for the other's uncommitted row and fails when the
// other commits. Taken again from a savepoint, the statement sees the committed row, and its own
// guard (`… AND NOT EXISTS (… the key …)`) leaves the key to its holder; the page's transaction
// goes on instead of starting over.
import { LOST_RACE_POLICY, uniqueViolation } from "../domain/resilience.js";
import type { Tx } from "../prisma/db.js";

export async function againIfKeyTaken<T>(tx: Tx, name: string, statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await tx.$executeRawUnsafe(`SAVEPOINT "${name}"`);
    try {
      const result = await statement();
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "${name}"`);
      return result;
    } catch (error) {
      if (attempt >= LOST_RACE_POLICY.maxAttempts || !uniqueViolation(error)) throw error;
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT "${name}"`);
    }
  }
}
