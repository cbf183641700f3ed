-- Trigram similarity for names and free-text addresses (see schema.prisma).
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "AreaLevel" AS ENUM ('CITY', 'DISTRICT', 'STREET', 'COMMUNITY', 'GRID');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('MALE', 'FEMALE', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "PersonAddressKind" AS ENUM ('REGISTERED', 'RESIDENT', 'WORK', 'OTHER');

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('SOCIAL_ORGANISATION', 'ENTERPRISE', 'PUBLIC_INSTITUTION', 'GOVERNMENT_UNIT', 'GRASSROOTS', 'OTHER');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('POLICE_INCIDENT', 'HOTLINE_TICKET', 'PETITION', 'DISPUTE', 'GRID_REPORT');

-- CreateEnum
CREATE TYPE "EventStatus" AS ENUM ('REPORTED', 'ACCEPTED', 'DISPATCHED', 'HANDLED', 'VERIFIED', 'ARCHIVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "WarningLevel" AS ENUM ('NONE', 'BLUE', 'YELLOW', 'RED');

-- CreateEnum
CREATE TYPE "EventPersonRole" AS ENUM ('REPORTER', 'PARTY', 'SUBJECT', 'PETITIONER', 'VICTIM', 'WITNESS', 'OTHER');

-- CreateEnum
CREATE TYPE "EntityType" AS ENUM ('PERSON', 'ORGANISATION', 'ADDRESS', 'AREA', 'EVENT');

-- CreateTable
CREATE TABLE "Department" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Area" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "level" "AreaLevel" NOT NULL,
    "parentId" UUID,
    "path" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Area_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AreaClosure" (
    "ancestorId" UUID NOT NULL,
    "descendantId" UUID NOT NULL,
    "distance" INTEGER NOT NULL,

    CONSTRAINT "AreaClosure_pkey" PRIMARY KEY ("ancestorId","descendantId")
);

-- CreateTable
CREATE TABLE "Address" (
    "id" UUID NOT NULL,
    "areaId" UUID NOT NULL,
    "road" TEXT,
    "doorNumber" TEXT,
    "building" TEXT,
    "unit" TEXT,
    "floor" TEXT,
    "room" TEXT,
    "fullText" TEXT NOT NULL,
    "addressKey" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "citizenId" TEXT,
    "citizenIdValid" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT NOT NULL,
    "namePinyin" TEXT,
    "sex" "Sex" NOT NULL DEFAULT 'UNKNOWN',
    "birthDate" DATE,
    "ethnicity" TEXT,
    "phone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PersonAddress" (
    "personId" UUID NOT NULL,
    "addressId" UUID NOT NULL,
    "kind" "PersonAddressKind" NOT NULL,
    "since" TIMESTAMP(3),
    "until" TIMESTAMP(3),

    CONSTRAINT "PersonAddress_pkey" PRIMARY KEY ("personId","addressId","kind")
);

-- CreateTable
CREATE TABLE "Organisation" (
    "id" UUID NOT NULL,
    "uscc" TEXT,
    "usccValid" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT NOT NULL,
    "kind" "OrganisationKind" NOT NULL DEFAULT 'OTHER',
    "areaId" UUID,
    "addressId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PersonOrganisation" (
    "personId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "since" TIMESTAMP(3),
    "until" TIMESTAMP(3),

    CONSTRAINT "PersonOrganisation_pkey" PRIMARY KEY ("personId","organisationId","role")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" UUID NOT NULL,
    "kind" "EventKind" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "reportedAt" TIMESTAMP(3) NOT NULL,
    "deadlineAt" TIMESTAMP(3),
    "areaId" UUID NOT NULL,
    "addressId" UUID,
    "status" "EventStatus" NOT NULL DEFAULT 'REPORTED',
    "warningLevel" "WarningLevel" NOT NULL DEFAULT 'NONE',
    "sourceDepartmentCode" TEXT,
    "handlingDeptCode" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventPerson" (
    "eventId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "role" "EventPersonRole" NOT NULL,

    CONSTRAINT "EventPerson_pkey" PRIMARY KEY ("eventId","personId","role")
);

-- CreateTable
CREATE TABLE "EventOrganisation" (
    "eventId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "EventOrganisation_pkey" PRIMARY KEY ("eventId","organisationId","role")
);

-- CreateTable
CREATE TABLE "EventStep" (
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "fromStatus" "EventStatus",
    "toStatus" "EventStatus" NOT NULL,
    "actor" TEXT NOT NULL,
    "department" TEXT,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceRecord" (
    "id" UUID NOT NULL,
    "connectorId" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "payloadHash" TEXT NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SourceRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntitySource" (
    "entityType" "EntityType" NOT NULL,
    "entityId" UUID NOT NULL,
    "sourceRecordId" UUID NOT NULL,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "method" TEXT NOT NULL,
    "score" DOUBLE PRECISION,

    CONSTRAINT "EntitySource_pkey" PRIMARY KEY ("entityType","entityId","sourceRecordId")
);

-- CreateTable
CREATE TABLE "Assertion" (
    "id" UUID NOT NULL,
    "entityType" "EntityType" NOT NULL,
    "entityId" UUID NOT NULL,
    "attribute" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "sourceRecordId" UUID NOT NULL,
    "assertedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Assertion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Area_code_key" ON "Area"("code");

-- CreateIndex
CREATE INDEX "Area_parentId_idx" ON "Area"("parentId");

-- CreateIndex
CREATE INDEX "Area_level_name_idx" ON "Area"("level", "name");

-- CreateIndex
CREATE INDEX "AreaClosure_descendantId_distance_idx" ON "AreaClosure"("descendantId", "distance");

-- CreateIndex
CREATE UNIQUE INDEX "Address_addressKey_key" ON "Address"("addressKey");

-- CreateIndex
CREATE INDEX "Address_areaId_idx" ON "Address"("areaId");

-- CreateIndex
CREATE INDEX "Address_fullText_idx" ON "Address" USING GIN ("fullText" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "Person_citizenId_key" ON "Person"("citizenId");

-- CreateIndex
CREATE INDEX "Person_name_idx" ON "Person" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Person_namePinyin_birthDate_idx" ON "Person"("namePinyin", "birthDate");

-- CreateIndex
CREATE INDEX "Person_phone_idx" ON "Person"("phone");

-- CreateIndex
CREATE INDEX "PersonAddress_addressId_kind_idx" ON "PersonAddress"("addressId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_uscc_key" ON "Organisation"("uscc");

-- CreateIndex
CREATE INDEX "Organisation_areaId_idx" ON "Organisation"("areaId");

-- CreateIndex
CREATE INDEX "Organisation_name_idx" ON "Organisation" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "PersonOrganisation_organisationId_idx" ON "PersonOrganisation"("organisationId");

-- CreateIndex
CREATE INDEX "Event_areaId_occurredAt_idx" ON "Event"("areaId", "occurredAt" DESC);

-- CreateIndex
CREATE INDEX "Event_kind_status_idx" ON "Event"("kind", "status");

-- CreateIndex
CREATE INDEX "Event_occurredAt_idx" ON "Event"("occurredAt" DESC);

-- CreateIndex
CREATE INDEX "Event_warningLevel_status_idx" ON "Event"("warningLevel", "status");

-- CreateIndex
CREATE INDEX "Event_deadlineAt_idx" ON "Event"("deadlineAt");

-- CreateIndex
CREATE INDEX "EventPerson_personId_idx" ON "EventPerson"("personId");

-- CreateIndex
CREATE INDEX "EventOrganisation_organisationId_idx" ON "EventOrganisation"("organisationId");

-- CreateIndex
CREATE INDEX "EventStep_eventId_at_idx" ON "EventStep"("eventId", "at");

-- CreateIndex
CREATE INDEX "SourceRecord_connectorId_sourceKey_fetchedAt_idx" ON "SourceRecord"("connectorId", "sourceKey", "fetchedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "SourceRecord_connectorId_sourceKey_payloadHash_key" ON "SourceRecord"("connectorId", "sourceKey", "payloadHash");

-- CreateIndex
CREATE INDEX "EntitySource_sourceRecordId_idx" ON "EntitySource"("sourceRecordId");

-- CreateIndex
CREATE INDEX "Assertion_entityType_entityId_attribute_idx" ON "Assertion"("entityType", "entityId", "attribute");

-- CreateIndex
CREATE INDEX "Assertion_sourceRecordId_idx" ON "Assertion"("sourceRecordId");

-- AddForeignKey
ALTER TABLE "Area" ADD CONSTRAINT "Area_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AreaClosure" ADD CONSTRAINT "AreaClosure_ancestorId_fkey" FOREIGN KEY ("ancestorId") REFERENCES "Area"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AreaClosure" ADD CONSTRAINT "AreaClosure_descendantId_fkey" FOREIGN KEY ("descendantId") REFERENCES "Area"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Address" ADD CONSTRAINT "Address_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonAddress" ADD CONSTRAINT "PersonAddress_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonAddress" ADD CONSTRAINT "PersonAddress_addressId_fkey" FOREIGN KEY ("addressId") REFERENCES "Address"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_addressId_fkey" FOREIGN KEY ("addressId") REFERENCES "Address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonOrganisation" ADD CONSTRAINT "PersonOrganisation_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonOrganisation" ADD CONSTRAINT "PersonOrganisation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_addressId_fkey" FOREIGN KEY ("addressId") REFERENCES "Address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_sourceDepartmentCode_fkey" FOREIGN KEY ("sourceDepartmentCode") REFERENCES "Department"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_handlingDeptCode_fkey" FOREIGN KEY ("handlingDeptCode") REFERENCES "Department"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventPerson" ADD CONSTRAINT "EventPerson_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventPerson" ADD CONSTRAINT "EventPerson_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventOrganisation" ADD CONSTRAINT "EventOrganisation_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventOrganisation" ADD CONSTRAINT "EventOrganisation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventStep" ADD CONSTRAINT "EventStep_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceRecord" ADD CONSTRAINT "SourceRecord_departmentCode_fkey" FOREIGN KEY ("departmentCode") REFERENCES "Department"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntitySource" ADD CONSTRAINT "EntitySource_sourceRecordId_fkey" FOREIGN KEY ("sourceRecordId") REFERENCES "SourceRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assertion" ADD CONSTRAINT "Assertion_sourceRecordId_fkey" FOREIGN KEY ("sourceRecordId") REFERENCES "SourceRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;
