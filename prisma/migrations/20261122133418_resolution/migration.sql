/*
  Warnings:

  - You are about to drop the `Assertion` table. If the table is not empty, all the data it contains will be lost.

*/
-- CreateEnum
CREATE TYPE "MatchStatus" AS ENUM ('OPEN', 'MERGED', 'DISTINCT');

-- DropForeignKey
ALTER TABLE "Assertion" DROP CONSTRAINT "Assertion_sourceRecordId_fkey";

-- AlterTable
ALTER TABLE "EntitySource" ADD COLUMN     "reasons" JSONB,
ADD COLUMN     "values" JSONB NOT NULL DEFAULT '{}';

-- Keep what the assertions said: fold each record's values into its element links.
UPDATE "EntitySource" es SET "values" = a.v
FROM (
  SELECT "sourceRecordId", "entityId", jsonb_object_agg("attribute", "value") AS v
  FROM "Assertion" GROUP BY "sourceRecordId", "entityId"
) a
WHERE a."sourceRecordId" = es."sourceRecordId" AND a."entityId" = es."entityId";

-- DropTable
DROP TABLE "Assertion";

-- CreateTable
CREATE TABLE "MatchCandidate" (
    "id" UUID NOT NULL,
    "entityType" "EntityType" NOT NULL,
    "entityId" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "reasons" JSONB NOT NULL,
    "status" "MatchStatus" NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "mergeId" UUID,

    CONSTRAINT "MatchCandidate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Merge" (
    "id" UUID NOT NULL,
    "entityType" "EntityType" NOT NULL,
    "survivorId" UUID NOT NULL,
    "mergedId" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "snapshot" JSONB NOT NULL,
    "undoneAt" TIMESTAMP(3),
    "undoneBy" TEXT,
    "undoReason" TEXT,

    CONSTRAINT "Merge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MatchCandidate_status_score_idx" ON "MatchCandidate"("status", "score" DESC);

-- CreateIndex
CREATE INDEX "MatchCandidate_candidateId_idx" ON "MatchCandidate"("candidateId");

-- CreateIndex
CREATE UNIQUE INDEX "MatchCandidate_entityType_entityId_candidateId_key" ON "MatchCandidate"("entityType", "entityId", "candidateId");

-- CreateIndex
CREATE INDEX "Merge_survivorId_idx" ON "Merge"("survivorId");

-- CreateIndex
CREATE INDEX "Merge_mergedId_idx" ON "Merge"("mergedId");

-- CreateIndex
CREATE INDEX "Merge_at_idx" ON "Merge"("at" DESC);
