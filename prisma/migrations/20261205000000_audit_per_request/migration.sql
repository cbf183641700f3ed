-- One audit record per request, outcome and set of fields, naming every element that set was read
-- on (was: one record per element): the trail grows by request, not by value read.
ALTER TABLE "AuditRecord" ADD COLUMN "entityIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Carry the existing records over. The append-only trigger refuses UPDATE for every role; it is
-- suspended around this one statement of the migration only.
ALTER TABLE "AuditRecord" DISABLE TRIGGER "AuditRecord_append_only";
UPDATE "AuditRecord" SET "entityIds" = ARRAY["entityId"] WHERE "entityId" IS NOT NULL;
ALTER TABLE "AuditRecord" ENABLE TRIGGER "AuditRecord_append_only";

-- DropIndex
DROP INDEX "AuditRecord_entityId_at_idx";

-- AlterTable
ALTER TABLE "AuditRecord" DROP COLUMN "entityId";

-- CreateIndex
CREATE INDEX "AuditRecord_entityIds_idx" ON "AuditRecord" USING GIN ("entityIds");
