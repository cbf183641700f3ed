-- An event list's cursor carries the row's place in the list's order (occurredAt, id), so a page
-- after a cursor is one statement: no read of the cursor's row first. Prisma and plugin-prisma
-- build such a cursor from a unique key, so the time index gains the id and becomes that key; it
-- serves every query the old one did (the id is its last column).

-- DropIndex
DROP INDEX "Event_occurredAt_idx";

-- CreateIndex
CREATE UNIQUE INDEX "Event_occurredAt_id_key" ON "Event"("occurredAt" DESC, "id");
