-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('READ', 'DENIED');

-- CreateTable
CREATE TABLE "AuditRecord" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "subject" TEXT NOT NULL,
    "roles" TEXT[],
    "department" TEXT,
    "purpose" TEXT,
    "purposeRef" TEXT,
    "operationName" TEXT,
    "documentHash" TEXT,
    "requestId" TEXT NOT NULL,
    "entityId" TEXT,
    "fields" TEXT[],
    "outcome" "AuditOutcome" NOT NULL,

    CONSTRAINT "AuditRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditRecord_entityId_at_idx" ON "AuditRecord"("entityId", "at" DESC);

-- CreateIndex
CREATE INDEX "AuditRecord_at_idx" ON "AuditRecord"("at");

-- Append-only, enforced by the database for every role, the hub's own included: no UPDATE, no
-- TRUNCATE, and DELETE only of records older than the legal minimum retention (180 days), which
-- is what the retention purge does.
CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD."at" < CURRENT_TIMESTAMP - INTERVAL '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditRecord_append_only" BEFORE UPDATE OR DELETE ON "AuditRecord"
  FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();

CREATE TRIGGER "AuditRecord_no_truncate" BEFORE TRUNCATE ON "AuditRecord"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only();
