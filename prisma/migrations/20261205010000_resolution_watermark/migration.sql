-- The resolution pass looks only at persons changed since its last run. Each person row carries the
-- transaction that last wrote it (an xid8 as a bigint: 64 bits, it does not wrap); the pass keeps a
-- watermark below which every change has been looked at (integration/resolution/pass.ts).

-- AlterTable
ALTER TABLE "Person" ADD COLUMN "changedXid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint;

-- CreateTable
CREATE TABLE "ResolutionWatermark" (
    "id" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "runner" TEXT,
    "leasedUntil" TIMESTAMP(3),
    "advancedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResolutionWatermark_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Person_changedXid_idx" ON "Person"("changedXid");

-- An update stamps the row with its transaction too, whoever writes it (ingest's recompute, a
-- steward's merge, raw SQL). The pass's own writes (it sets citygraph.resolution_pass for its
-- transactions) do not: what they change the pass has just decided.
CREATE FUNCTION "person_changed_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('citygraph.resolution_pass', true) IS DISTINCT FROM 'on' THEN
    NEW."changedXid" := pg_current_xact_id()::text::bigint;
  ELSE
    NEW."changedXid" := OLD."changedXid";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Person_changed_xid" BEFORE UPDATE ON "Person"
  FOR EACH ROW EXECUTE FUNCTION "person_changed_xid"();
