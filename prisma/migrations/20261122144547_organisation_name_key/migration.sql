-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "nameKey" TEXT;

-- CreateIndex
CREATE INDEX "Organisation_nameKey_idx" ON "Organisation"("nameKey");
