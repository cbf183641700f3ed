-- The transactional outbox behind subscriptions, and alerts' rule, events and owners' steps.
-- Triggers write one outbox row per change of an event, an alert or a connector's status, in the
-- changing transaction, carrying the state the change produced, and wake every hub (NOTIFY).

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT,
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "closedBy" TEXT,
ADD COLUMN     "dedupeKey" TEXT,
ADD COLUMN     "eventIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "rule" TEXT;

-- CreateTable
CREATE TABLE "Outbox" (
    "id" BIGSERIAL NOT NULL,
    "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "topic" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "areaPath" TEXT,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxConsumer" (
    "name" TEXT NOT NULL,
    "txid" TEXT NOT NULL DEFAULT '0',
    "lastId" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboxConsumer_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_dedupeKey_key" ON "Alert"("dedupeKey");

-- CreateIndex
CREATE INDEX "Outbox_txid_id_idx" ON "Outbox"("txid", "id");

-- CreateIndex
CREATE INDEX "Outbox_createdAt_idx" ON "Outbox"("createdAt");

-- Outbox triggers (not in schema.prisma: Prisma does not model triggers).
CREATE FUNCTION citygraph_outbox_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a RECORD;
BEGIN
  SELECT code, name, path INTO a FROM "Area" WHERE id = NEW."areaId";
  INSERT INTO "Outbox" (topic, kind, "entityId", "areaPath", payload)
  VALUES ('EVENT', CASE TG_OP WHEN 'INSERT' THEN 'CREATED' ELSE 'UPDATED' END, NEW.id::text, a.path,
    jsonb_build_object(
      'id', NEW.id, 'kind', NEW.kind, 'title', NEW.title, 'status', NEW.status,
      'warningLevel', NEW."warningLevel", 'areaId', NEW."areaId", 'areaCode', a.code,
      'areaName', a.name, 'areaPath', a.path, 'occurredAt', NEW."occurredAt",
      'reportedAt', NEW."reportedAt", 'deadlineAt', NEW."deadlineAt", 'overdueAt', NEW."overdueAt",
      'handlingDepartmentCode', NEW."handlingDeptCode", 'updatedAt', NEW."updatedAt"));
  PERFORM pg_notify('citygraph_outbox', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "Event_outbox_insert" AFTER INSERT ON "Event"
  FOR EACH ROW EXECUTE FUNCTION citygraph_outbox_event();
CREATE TRIGGER "Event_outbox_update" AFTER UPDATE ON "Event"
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status OR OLD."warningLevel" IS DISTINCT FROM NEW."warningLevel"
    OR OLD.title IS DISTINCT FROM NEW.title OR OLD."areaId" IS DISTINCT FROM NEW."areaId"
    OR OLD."deadlineAt" IS DISTINCT FROM NEW."deadlineAt" OR OLD."overdueAt" IS DISTINCT FROM NEW."overdueAt"
    OR OLD."handlingDeptCode" IS DISTINCT FROM NEW."handlingDeptCode")
  EXECUTE FUNCTION citygraph_outbox_event();

CREATE FUNCTION citygraph_outbox_alert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a RECORD;
BEGIN
  SELECT code, name, path INTO a FROM "Area" WHERE id = NEW."areaId";
  INSERT INTO "Outbox" (topic, kind, "entityId", "areaPath", payload)
  VALUES ('ALERT', CASE TG_OP WHEN 'INSERT' THEN 'RAISED' ELSE 'UPDATED' END, NEW.id::text, a.path,
    jsonb_build_object(
      'id', NEW.id, 'kind', NEW.kind, 'rule', NEW.rule, 'level', NEW.level, 'status', NEW.status,
      'areaId', NEW."areaId", 'areaCode', a.code, 'areaName', a.name, 'areaPath', a.path,
      'reasons', NEW.reasons,
      'eventIds', to_jsonb(CASE WHEN cardinality(NEW."eventIds") > 0 THEN NEW."eventIds"
                                WHEN NEW."eventId" IS NOT NULL THEN ARRAY[NEW."eventId"]
                                ELSE ARRAY[]::uuid[] END),
      'raisedAt', NEW."raisedAt", 'acknowledgedBy', NEW."acknowledgedBy",
      'acknowledgedAt', NEW."acknowledgedAt", 'closedBy', NEW."closedBy", 'closedAt', NEW."closedAt"));
  PERFORM pg_notify('citygraph_outbox', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "Alert_outbox" AFTER INSERT OR UPDATE ON "Alert"
  FOR EACH ROW EXECUTE FUNCTION citygraph_outbox_alert();

CREATE FUNCTION citygraph_outbox_connector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "Outbox" (topic, kind, "entityId", "areaPath", payload)
  VALUES ('CONNECTOR', 'UPDATED', NEW.id, NULL,
    jsonb_build_object(
      'id', NEW.id, 'departmentCode', NEW."departmentCode", 'state', NEW.state, 'health', NEW.health,
      'lastRunAt', NEW."lastRunAt", 'lastSuccessAt', NEW."lastSuccessAt", 'lastErrorAt', NEW."lastErrorAt",
      'lastError', NEW."lastError", 'circuitOpenUntil', NEW."circuitOpenUntil"));
  PERFORM pg_notify('citygraph_outbox', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "Connector_outbox" AFTER UPDATE ON "Connector"
  FOR EACH ROW WHEN (
    OLD.state IS DISTINCT FROM NEW.state OR OLD.health IS DISTINCT FROM NEW.health
    OR OLD."lastSuccessAt" IS DISTINCT FROM NEW."lastSuccessAt" OR OLD."lastErrorAt" IS DISTINCT FROM NEW."lastErrorAt"
    OR OLD."circuitOpenUntil" IS DISTINCT FROM NEW."circuitOpenUntil")
  EXECUTE FUNCTION citygraph_outbox_connector();
