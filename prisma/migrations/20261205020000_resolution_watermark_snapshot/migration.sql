-- The resolution pass keeps the whole snapshot it started from, not only its xmin: a transaction
-- left open anywhere on the server (another database's included) no longer makes every later pass
-- look again at what the last one saw (integration/resolution/pass.ts). A watermark without a
-- snapshot stands for "everything from position on", as before.

-- AlterTable
ALTER TABLE "ResolutionWatermark" ADD COLUMN "snapshot" TEXT;
