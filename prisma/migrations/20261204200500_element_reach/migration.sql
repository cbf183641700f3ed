-- Jurisdiction declared once per element: the areas through which a person or an organisation is
-- reachable, kept by the database itself. One view per element declares the paths; the reach
-- tables hold what the view says, refreshed for the affected elements by statement-level triggers
-- on every table a path goes through, so that every writer (ingest, merge, unmerge, the resolution
-- pass, any future command) keeps them right without knowing of them. Events and addresses are
-- reachable through their own area and need no table (resolvers/jurisdiction.ts).

-- CreateTable
CREATE TABLE "PersonReach" (
    "personId" UUID NOT NULL,
    "areaId" UUID NOT NULL,

    CONSTRAINT "PersonReach_pkey" PRIMARY KEY ("personId","areaId")
);

-- CreateTable
CREATE TABLE "OrganisationReach" (
    "organisationId" UUID NOT NULL,
    "areaId" UUID NOT NULL,

    CONSTRAINT "OrganisationReach_pkey" PRIMARY KEY ("organisationId","areaId")
);

-- CreateIndex
CREATE INDEX "PersonReach_areaId_idx" ON "PersonReach"("areaId");

-- CreateIndex
CREATE INDEX "OrganisationReach_areaId_idx" ON "OrganisationReach"("areaId");

-- AddForeignKey
ALTER TABLE "PersonReach" ADD CONSTRAINT "PersonReach_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonReach" ADD CONSTRAINT "PersonReach_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationReach" ADD CONSTRAINT "OrganisationReach_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationReach" ADD CONSTRAINT "OrganisationReach_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The paths, declared once. A person: their addresses, the events they take part in, their posts,
-- and the organisations they belong to (the organisation's area and its address's area: a legal
-- representative known by name only has nothing else).
CREATE VIEW "PersonReachPath" AS
  SELECT pa."personId", ad."areaId", 'ADDRESS'::text AS via
    FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId"
  UNION ALL
  SELECT ep."personId", e."areaId", 'EVENT'
    FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
  UNION ALL
  SELECT pp."personId", pp."areaId", 'POST'
    FROM "PersonPost" pp
  UNION ALL
  SELECT po."personId", o."areaId", 'ORGANISATION'
    FROM "PersonOrganisation" po JOIN "Organisation" o ON o.id = po."organisationId"
    WHERE o."areaId" IS NOT NULL
  UNION ALL
  SELECT po."personId", oa."areaId", 'ORGANISATION_ADDRESS'
    FROM "PersonOrganisation" po JOIN "Organisation" o ON o.id = po."organisationId"
    JOIN "Address" oa ON oa.id = o."addressId";

-- An organisation: its area, its address's area, and the events it is part of.
CREATE VIEW "OrganisationReachPath" AS
  SELECT o.id AS "organisationId", o."areaId", 'AREA'::text AS via
    FROM "Organisation" o WHERE o."areaId" IS NOT NULL
  UNION ALL
  SELECT o.id, oa."areaId", 'ADDRESS'
    FROM "Organisation" o JOIN "Address" oa ON oa.id = o."addressId"
  UNION ALL
  SELECT eo."organisationId", e."areaId", 'EVENT'
    FROM "EventOrganisation" eo JOIN "Event" e ON e.id = eo."eventId";

-- Make the reach rows of these elements what the view says (rows that stay are not rewritten). An
-- element being deleted reaches nothing (its link rows are deleted by cascade, one table after
-- another, and the trigger of the first may still see the others).
CREATE FUNCTION person_reach_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH want AS (
    SELECT DISTINCT v."personId", v."areaId" FROM "PersonReachPath" v
    WHERE v."personId" = ANY(ids) AND EXISTS (SELECT 1 FROM "Person" p WHERE p.id = v."personId")
  ), gone AS (
    DELETE FROM "PersonReach" r WHERE r."personId" = ANY(ids)
      AND NOT EXISTS (SELECT 1 FROM want w WHERE w."personId" = r."personId" AND w."areaId" = r."areaId")
  )
  INSERT INTO "PersonReach" ("personId", "areaId") SELECT "personId", "areaId" FROM want
  ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION organisation_reach_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH want AS (
    SELECT DISTINCT v."organisationId", v."areaId" FROM "OrganisationReachPath" v
    WHERE v."organisationId" = ANY(ids) AND EXISTS (SELECT 1 FROM "Organisation" o WHERE o.id = v."organisationId")
  ), gone AS (
    DELETE FROM "OrganisationReach" r WHERE r."organisationId" = ANY(ids)
      AND NOT EXISTS (SELECT 1 FROM want w WHERE w."organisationId" = r."organisationId" AND w."areaId" = r."areaId")
  )
  INSERT INTO "OrganisationReach" ("organisationId", "areaId") SELECT "organisationId", "areaId" FROM want
  ON CONFLICT DO NOTHING;
$$;

-- Link tables whose rows name a person (PersonAddress, EventPerson, PersonPost, PersonOrganisation):
-- refresh the persons of the rows a statement touched. PostgreSQL allows transition tables only on
-- single-event triggers, hence one trigger per operation.
CREATE FUNCTION person_reach_from_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM person_reach_refresh(ARRAY(SELECT DISTINCT "personId" FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM person_reach_refresh(ARRAY(SELECT DISTINCT "personId" FROM old_rows));
  ELSE
    PERFORM person_reach_refresh(ARRAY(
      SELECT "personId" FROM new_rows UNION SELECT "personId" FROM old_rows));
  END IF;
  RETURN NULL;
END;
$$;

-- EventOrganisation rows name an organisation: refresh the organisations a statement touched.
CREATE FUNCTION organisation_reach_from_event_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM organisation_reach_refresh(ARRAY(SELECT DISTINCT "organisationId" FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM organisation_reach_refresh(ARRAY(SELECT DISTINCT "organisationId" FROM old_rows));
  ELSE
    PERFORM organisation_reach_refresh(ARRAY(
      SELECT "organisationId" FROM new_rows UNION SELECT "organisationId" FROM old_rows));
  END IF;
  RETURN NULL;
END;
$$;

-- An event moved to another area: its persons and organisations.
CREATE FUNCTION reach_from_event_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved uuid[];
BEGIN
  moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n."areaId" IS DISTINCT FROM o."areaId");
  IF cardinality(moved) > 0 THEN
    PERFORM person_reach_refresh(ARRAY(SELECT DISTINCT "personId" FROM "EventPerson" WHERE "eventId" = ANY(moved)));
    PERFORM organisation_reach_refresh(ARRAY(
      SELECT DISTINCT "organisationId" FROM "EventOrganisation" WHERE "eventId" = ANY(moved)));
  END IF;
  RETURN NULL;
END;
$$;

-- An address moved to another area: the persons there, the organisations there and their members.
CREATE FUNCTION reach_from_address_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved uuid[]; orgs uuid[];
BEGIN
  moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n."areaId" IS DISTINCT FROM o."areaId");
  IF cardinality(moved) > 0 THEN
    orgs := ARRAY(SELECT id FROM "Organisation" WHERE "addressId" = ANY(moved));
    PERFORM organisation_reach_refresh(orgs);
    PERFORM person_reach_refresh(ARRAY(
      SELECT "personId" FROM "PersonAddress" WHERE "addressId" = ANY(moved)
      UNION SELECT "personId" FROM "PersonOrganisation" WHERE "organisationId" = ANY(orgs)));
  END IF;
  RETURN NULL;
END;
$$;

-- A new organisation reaches its area and address; one whose area or address changed, too, and
-- its members with it.
CREATE FUNCTION reach_from_organisation_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM organisation_reach_refresh(ARRAY(
    SELECT id FROM new_rows WHERE "areaId" IS NOT NULL OR "addressId" IS NOT NULL));
  RETURN NULL;
END;
$$;

CREATE FUNCTION reach_from_organisation_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved uuid[];
BEGIN
  moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n."areaId" IS DISTINCT FROM o."areaId" OR n."addressId" IS DISTINCT FROM o."addressId");
  IF cardinality(moved) > 0 THEN
    PERFORM organisation_reach_refresh(moved);
    PERFORM person_reach_refresh(ARRAY(
      SELECT DISTINCT "personId" FROM "PersonOrganisation" WHERE "organisationId" = ANY(moved)));
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "PersonAddress_reach_insert" AFTER INSERT ON "PersonAddress"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonAddress_reach_update" AFTER UPDATE ON "PersonAddress"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonAddress_reach_delete" AFTER DELETE ON "PersonAddress"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();

CREATE TRIGGER "EventPerson_reach_insert" AFTER INSERT ON "EventPerson"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "EventPerson_reach_update" AFTER UPDATE ON "EventPerson"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "EventPerson_reach_delete" AFTER DELETE ON "EventPerson"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();

CREATE TRIGGER "PersonPost_reach_insert" AFTER INSERT ON "PersonPost"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonPost_reach_update" AFTER UPDATE ON "PersonPost"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonPost_reach_delete" AFTER DELETE ON "PersonPost"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();

CREATE TRIGGER "PersonOrganisation_reach_insert" AFTER INSERT ON "PersonOrganisation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonOrganisation_reach_update" AFTER UPDATE ON "PersonOrganisation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();
CREATE TRIGGER "PersonOrganisation_reach_delete" AFTER DELETE ON "PersonOrganisation"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_from_links();

CREATE TRIGGER "EventOrganisation_reach_insert" AFTER INSERT ON "EventOrganisation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_reach_from_event_links();
CREATE TRIGGER "EventOrganisation_reach_update" AFTER UPDATE ON "EventOrganisation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_reach_from_event_links();
CREATE TRIGGER "EventOrganisation_reach_delete" AFTER DELETE ON "EventOrganisation"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_reach_from_event_links();

-- Column lists (UPDATE OF "areaId") cannot be combined with transition tables: the functions
-- compare old and new rows themselves and do nothing when no area changed.
CREATE TRIGGER "Event_reach_update" AFTER UPDATE ON "Event"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reach_from_event_update();
CREATE TRIGGER "Address_reach_update" AFTER UPDATE ON "Address"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reach_from_address_update();
CREATE TRIGGER "Organisation_reach_insert" AFTER INSERT ON "Organisation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reach_from_organisation_insert();
CREATE TRIGGER "Organisation_reach_update" AFTER UPDATE ON "Organisation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reach_from_organisation_update();

-- Backfill from the views.
INSERT INTO "PersonReach" ("personId", "areaId")
  SELECT DISTINCT "personId", "areaId" FROM "PersonReachPath";
INSERT INTO "OrganisationReach" ("organisationId", "areaId")
  SELECT DISTINCT "organisationId", "areaId" FROM "OrganisationReachPath";
