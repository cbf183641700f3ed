/*
  Warnings:

  - The primary key for the `EntitySource` table will be changed. If it partially fails, the table could be left without primary key constraint.
  - Added the required column `ref` to the `EntitySource` table without a default value. This is not possible if the table is not empty.

*/
-- CreateEnum
CREATE TYPE "ConnectorKind" AS ENUM ('BUILTIN', 'DECLARATIVE');

-- CreateEnum
CREATE TYPE "ConnectorState" AS ENUM ('ACTIVE', 'PAUSED', 'REMOVED');

-- CreateEnum
CREATE TYPE "ConnectorHealth" AS ENUM ('UNKNOWN', 'HEALTHY', 'DEGRADED', 'DOWN');

-- DropIndex
DROP INDEX "EntitySource_sourceRecordId_idx";

-- AlterTable
ALTER TABLE "EntitySource" DROP CONSTRAINT "EntitySource_pkey",
ADD COLUMN     "ref" TEXT NOT NULL,
ADD CONSTRAINT "EntitySource_pkey" PRIMARY KEY ("sourceRecordId", "ref");

-- CreateTable
CREATE TABLE "Connector" (
    "id" TEXT NOT NULL,
    "kind" "ConnectorKind" NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "definition" JSONB,
    "state" "ConnectorState" NOT NULL DEFAULT 'ACTIVE',
    "cursor" TEXT,
    "health" "ConnectorHealth" NOT NULL DEFAULT 'UNKNOWN',
    "lastRunAt" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),
    "lastErrorAt" TIMESTAMP(3),
    "lastError" TEXT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "circuitOpenUntil" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "recordsIngested" INTEGER NOT NULL DEFAULT 0,
    "recordsUnchanged" INTEGER NOT NULL DEFAULT 0,
    "recordsQuarantined" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Connector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuarantinedRecord" (
    "id" UUID NOT NULL,
    "connectorId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "payloadHash" TEXT NOT NULL,
    "reasonCode" TEXT NOT NULL,
    "field" TEXT,
    "message" TEXT NOT NULL,
    "problems" JSONB NOT NULL,
    "quarantinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "QuarantinedRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "connectorId" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "records" INTEGER NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("connectorId","deliveryId")
);

-- CreateIndex
CREATE INDEX "QuarantinedRecord_connectorId_quarantinedAt_idx" ON "QuarantinedRecord"("connectorId", "quarantinedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "QuarantinedRecord_connectorId_sourceKey_payloadHash_key" ON "QuarantinedRecord"("connectorId", "sourceKey", "payloadHash");

-- CreateIndex
CREATE INDEX "EntitySource_entityType_entityId_idx" ON "EntitySource"("entityType", "entityId");

-- AddForeignKey
ALTER TABLE "QuarantinedRecord" ADD CONSTRAINT "QuarantinedRecord_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;
