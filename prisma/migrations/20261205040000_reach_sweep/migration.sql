-- The reach tables are kept per statement by triggers (20261204200500_element_reach). Two
-- transactions changing one person's links at the same moment each refresh that person from their
-- own snapshot, and the later can re-insert a row the earlier removed: a reach row no path
-- justifies, which would show the person in an area they no longer belong to. A sweep makes both
-- tables what their views say, for every element at once, and says how many rows it removed and
-- added (integration/reach.ts runs it on the shared job queue). A row a sweep removes or adds while
-- a transaction changes that element's links is put right by that transaction's own refresh or by
-- the next sweep: no row outlives two sweeps unjustified.

CREATE FUNCTION person_reach_sweep(OUT removed integer, OUT added integer) LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE person_reach_want ON COMMIT DROP AS
    SELECT DISTINCT v."personId", v."areaId" FROM "PersonReachPath" v;
  DELETE FROM "PersonReach" r
    WHERE NOT EXISTS (SELECT 1 FROM person_reach_want w
                      WHERE w."personId" = r."personId" AND w."areaId" = r."areaId");
  GET DIAGNOSTICS removed = ROW_COUNT;
  INSERT INTO "PersonReach" ("personId", "areaId")
    SELECT w."personId", w."areaId" FROM person_reach_want w
    WHERE NOT EXISTS (SELECT 1 FROM "PersonReach" r
                      WHERE r."personId" = w."personId" AND r."areaId" = w."areaId")
    ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;
  DROP TABLE person_reach_want;
END;
$$;

CREATE FUNCTION organisation_reach_sweep(OUT removed integer, OUT added integer) LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE organisation_reach_want ON COMMIT DROP AS
    SELECT DISTINCT v."organisationId", v."areaId" FROM "OrganisationReachPath" v;
  DELETE FROM "OrganisationReach" r
    WHERE NOT EXISTS (SELECT 1 FROM organisation_reach_want w
                      WHERE w."organisationId" = r."organisationId" AND w."areaId" = r."areaId");
  GET DIAGNOSTICS removed = ROW_COUNT;
  INSERT INTO "OrganisationReach" ("organisationId", "areaId")
    SELECT w."organisationId", w."areaId" FROM organisation_reach_want w
    WHERE NOT EXISTS (SELECT 1 FROM "OrganisationReach" r
                      WHERE r."organisationId" = w."organisationId" AND r."areaId" = w."areaId")
    ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;
  DROP TABLE organisation_reach_want;
END;
$$;
