-- CreateEnum
CREATE TYPE "OrganisationStatus" AS ENUM ('ACTIVE', 'DEREGISTERED', 'REVOKED', 'MOVED_OUT');

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "phone" TEXT,
ADD COLUMN     "registeredOn" DATE,
ADD COLUMN     "registeringAuthority" TEXT,
ADD COLUMN     "status" "OrganisationStatus",
ADD COLUMN     "usccLowTrust" TEXT;

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "citizenIdLowTrust" TEXT;

-- CreateTable
CREATE TABLE "DataQualityIssue" (
    "connectorId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataQualityIssue_pkey" PRIMARY KEY ("connectorId","sourceKey","code","ref")
);

-- CreateIndex
CREATE INDEX "DataQualityIssue_connectorId_code_idx" ON "DataQualityIssue"("connectorId", "code");

-- CreateIndex
CREATE INDEX "Organisation_usccLowTrust_idx" ON "Organisation"("usccLowTrust");

-- CreateIndex
CREATE INDEX "Person_citizenIdLowTrust_idx" ON "Person"("citizenIdLowTrust");
