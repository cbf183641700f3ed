-- A link row inserted only adds paths: the elements it names gain what the view's branches through
-- that table say, and no reach row of theirs can become unjustified. So an INSERT no longer
-- recomputes every path of its persons (all five branches, then a delete of what is not wanted),
-- which made the reach refresh the dearest statement of a first sync (the PersonAddress insert of
-- a page of 5 000 residents). UPDATE and DELETE keep the full refresh, and the sweep
-- (20261205040000_reach_sweep) still puts right what two concurrent transactions leave behind.
-- The trigger names the view's branches (its "via") in its arguments, so the paths stay declared
-- once, in the views; PostgreSQL drops the other branches of the UNION ALL when it plans.

-- Add to an element's reach (element 'Person' or 'Organisation') what the named branches of its
-- view say for these elements: one statement for both reach tables.
CREATE FUNCTION reach_add(element text, ids uuid[], vias text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  key text := lower(left(element, 1)) || substr(element, 2) || 'Id';
BEGIN
  EXECUTE format(
    'INSERT INTO %I (%I, "areaId")
       SELECT DISTINCT v.%I, v."areaId" FROM %I v
       WHERE v.%I = ANY($1) AND v.via IN (%s)
     ON CONFLICT DO NOTHING',
    element || 'Reach', key, key, element || 'ReachPath', key,
    (SELECT string_agg(quote_literal(a), ', ') FROM unnest(vias) a))
  USING ids;
END;
$$;

-- Link tables whose rows name a person: the trigger's arguments are the view's branches.
CREATE FUNCTION person_reach_add_from_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM reach_add('Person', ARRAY(SELECT DISTINCT "personId" FROM new_rows), TG_ARGV);
  RETURN NULL;
END;
$$;

CREATE FUNCTION organisation_reach_add_from_event_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM reach_add('Organisation', ARRAY(SELECT DISTINCT "organisationId" FROM new_rows), ARRAY['EVENT']);
  RETURN NULL;
END;
$$;

-- A new organisation has no reach rows yet: its area and its address's add them.
CREATE OR REPLACE FUNCTION reach_from_organisation_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM reach_add('Organisation', ARRAY(
    SELECT id FROM new_rows WHERE "areaId" IS NOT NULL OR "addressId" IS NOT NULL), ARRAY['AREA', 'ADDRESS']);
  RETURN NULL;
END;
$$;

DROP TRIGGER "PersonAddress_reach_insert" ON "PersonAddress";
CREATE TRIGGER "PersonAddress_reach_insert" AFTER INSERT ON "PersonAddress"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_add_from_links('ADDRESS');

DROP TRIGGER "EventPerson_reach_insert" ON "EventPerson";
CREATE TRIGGER "EventPerson_reach_insert" AFTER INSERT ON "EventPerson"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_add_from_links('EVENT');

DROP TRIGGER "PersonPost_reach_insert" ON "PersonPost";
CREATE TRIGGER "PersonPost_reach_insert" AFTER INSERT ON "PersonPost"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_reach_add_from_links('POST');

DROP TRIGGER "PersonOrganisation_reach_insert" ON "PersonOrganisation";
CREATE TRIGGER "PersonOrganisation_reach_insert" AFTER INSERT ON "PersonOrganisation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION person_reach_add_from_links('ORGANISATION', 'ORGANISATION_ADDRESS');

DROP TRIGGER "EventOrganisation_reach_insert" ON "EventOrganisation";
CREATE TRIGGER "EventOrganisation_reach_insert" AFTER INSERT ON "EventOrganisation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisation_reach_add_from_event_links();
