-- An alert's outbox payload names its events with their kinds, so that subscribers receive the
-- events' API ids (a kind's global ID) without reading the database.
CREATE OR REPLACE FUNCTION citygraph_outbox_alert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a RECORD; ids uuid[];
BEGIN
  SELECT code, name, path INTO a FROM "Area" WHERE id = NEW."areaId";
  ids := CASE WHEN cardinality(NEW."eventIds") > 0 THEN NEW."eventIds"
              WHEN NEW."eventId" IS NOT NULL THEN ARRAY[NEW."eventId"]
              ELSE ARRAY[]::uuid[] END;
  INSERT INTO "Outbox" (topic, kind, "entityId", "areaPath", payload)
  VALUES ('ALERT', CASE TG_OP WHEN 'INSERT' THEN 'RAISED' ELSE 'UPDATED' END, NEW.id::text, a.path,
    jsonb_build_object(
      'id', NEW.id, 'kind', NEW.kind, 'rule', NEW.rule, 'level', NEW.level, 'status', NEW.status,
      'areaId', NEW."areaId", 'areaCode', a.code, 'areaName', a.name, 'areaPath', a.path,
      'reasons', NEW.reasons,
      'events', coalesce((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind) ORDER BY x.n)
                          FROM unnest(ids) WITH ORDINALITY AS x(id, n) JOIN "Event" e ON e.id = x.id), '[]'::jsonb),
      'raisedAt', NEW."raisedAt", 'acknowledgedBy', NEW."acknowledgedBy",
      'acknowledgedAt', NEW."acknowledgedAt", 'closedBy', NEW."closedBy", 'closedAt', NEW."closedAt"));
  PERFORM pg_notify('citygraph_outbox', '');
  RETURN NULL;
END $$;
