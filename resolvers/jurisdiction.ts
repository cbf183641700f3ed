// Jurisdiction in SQL, declared once: the Prisma filters and raw-SQL fragments every query path
// composes. An element is reachable only through an area inside the principal's jurisdiction;
// ancestors of the jurisdiction are visible as areas, never the elements in them. Which areas an
// element reaches is declared once per element (ELEMENT_REACH below); persons and organisations,
// reachable along several paths, read a reach table the database keeps from one view of those
// paths. Every path (roots, node/nodes, the type-level check, relations, search, counts, filters,
// provenance) uses the functions generated from that table, so they cannot disagree.
//
// The principal's jurisdiction codes are resolved to area ids (one indexed lookup, shared by the
// requests of a database client and refreshed after a minute; the gateway's path resolution fills
// it too). Every filter then reads `areaId IN (SELECT "descendantId" FROM "AreaClosure" WHERE
// "ancestorId" = ANY(ids))`: the planner sees the ids, so it knows a city-wide jurisdiction is the
// whole tree (it keeps the cheap plan: an index probe per row) and a grid a handful of rows,
// instead of joining Area.code per row and guessing. Until the ids are known (the first request
// of a principal's codes, planned before anything was awaited) the same filter is written with
// the codes, which is as exact, only slower. A statement that finds its rows by key (provenance, a
// person's events' total) tests each row's area from the area's side instead
// (areaAncestorsInJurisdictionSql), so that its named statement keeps a generic plan. A code
// stays mapped to the id it had: areas are never moved and only exceptionally removed, and a
// removed area's id matches nothing (fail closed).
import DataLoader from "dataloader";
import { normaliseAreaCode } from "../domain/area.js";
import { withinJurisdiction } from "../domain/policies/area.js";
import type { Principal } from "../domain/principal.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../prisma/db.js";
import { survivorIds } from "./merged.js";

/** What a filter needs to know of a request: who asks, and on which database. */
export interface Scope {
  principal: Principal;
  db: Db;
}

/** Whether the principal may see any element at all. */
export function hasJurisdiction(principal: Principal): boolean {
  return principal.authenticated && principal.jurisdiction.length > 0;
}

// ---- the area tree as this process's caches know it ----

let treeVersion = 0;

/**
 * The area tree changed (an area added or renamed; every instance hears it on the change bus):
 * what the caches of codes, ids, paths and subtrees hold is stale from now on. A request already
 * running keeps what it read.
 */
export function areaTreeChanged(): void {
  treeVersion++;
}

/** The version of the area tree a cached entry must carry to be fresh. */
export const areaTreeVersion = (): number => treeVersion;

// ---- codes → area ids and paths ----

const REFRESH_MS = 60_000;
const MAX_ENTRIES = 10_000;
/**
 * A jurisdiction's codes resolved, per database client. `complete`: every code named an area.
 * Such an entry stays fresh when the tree changes (an area's id and path never change); one with
 * a code not found follows the tree's version, since that code's area may just have been added.
 */
interface Resolved {
  ids: string[];
  paths: string[];
  /** One of the areas is a root of the tree: the jurisdiction may be the whole tree (wholeTreeSql). */
  hasRoot: boolean;
  at: number;
  version: number;
  complete: boolean;
}
const resolved = new WeakMap<Db, Map<string, Resolved>>();
const pending = new WeakMap<Db, Map<string, Promise<Resolved>>>();
const codesKey = (codes: readonly string[]) => [...codes].sort().join(",");

/** The codes' areas, from the cache when fresh, else with one statement (shared while in flight). */
function resolveCodes(db: Db, codes: readonly string[]): Resolved | Promise<Resolved> {
  const key = codesKey(codes);
  const hit = resolved.get(db)?.get(key);
  if (hit && (hit.complete || hit.version === treeVersion) && Date.now() - hit.at < REFRESH_MS) return hit;
  let inFlight = pending.get(db);
  if (!inFlight) {
    inFlight = new Map();
    pending.set(db, inFlight);
  }
  const running = inFlight;
  let lookup = running.get(key);
  if (!lookup) {
    const version = treeVersion; // a change during the lookup leaves the entry stale
    lookup = db.area
      .findMany({
        where: { code: { in: codes.map(normaliseAreaCode) } },
        select: { id: true, code: true, path: true, parentId: true },
      })
      .then((rows) => {
        const found = new Set(rows.map((r) => r.code));
        const entry: Resolved = {
          ids: rows.map((r) => r.id),
          paths: rows.map((r) => r.path),
          hasRoot: rows.some((r) => r.parentId === null),
          at: Date.now(),
          version,
          complete: codes.every((c) => found.has(normaliseAreaCode(c))),
        };
        let byCodes = resolved.get(db);
        if (!byCodes) {
          byCodes = new Map();
          resolved.set(db, byCodes);
        }
        if (byCodes.size > MAX_ENTRIES) byCodes.clear();
        byCodes.set(key, entry);
        return entry;
      })
      .finally(() => running.delete(key));
    running.set(key, lookup);
  }
  return lookup;
}

/** The ids of the principal's jurisdiction areas if already resolved on this database, else null. */
export function jurisdictionIds(scope: Scope): readonly string[] | null {
  return resolvedOf(scope)?.ids ?? null;
}

/** The principal's jurisdiction as resolved on this database, if it is. */
function resolvedOf(scope: Scope): Resolved | undefined {
  return resolved.get(scope.db)?.get(codesKey(scope.principal.jurisdiction));
}

/**
 * Resolve the principal's jurisdiction codes to area ids (no statement when already known and
 * fresh). Await it before building SQL for a request; the filters below then use the ids.
 */
export async function ensureJurisdiction(scope: Scope): Promise<readonly string[]> {
  if (!hasJurisdiction(scope.principal)) return [];
  return (await resolveCodes(scope.db, scope.principal.jurisdiction)).ids;
}

/**
 * Paths of a jurisdiction's areas (for the principal, when its token is verified); codes that
 * name no area are left out. The same lookup and cache as ensureJurisdiction's ids.
 */
export async function jurisdictionPaths(db: Db, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  return (await resolveCodes(db, codes)).paths;
}

// ---- Prisma filters ----

/** Areas inside the principal's jurisdiction (its areas and their subtrees). */
export function inJurisdiction(scope: Scope): Prisma.AreaWhereInput {
  const ids = jurisdictionIds(scope);
  if (ids) return { ancestorLinks: { some: { ancestorId: { in: [...ids] } } } };
  return { ancestorLinks: { some: { ancestor: { code: { in: [...scope.principal.jurisdiction] } } } } };
}

/** Areas at or below the area with this code (any common spelling of the code). */
export function underArea(code: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestor: { code: normaliseAreaCode(code) } } } };
}

/** A filter that matches nothing (no jurisdiction, anonymous). */
export const NOTHING = { id: { in: [] as string[] } };

/** Areas at or below the area with this id. */
export function underAreaId(areaId: string): Prisma.AreaWhereInput {
  return { ancestorLinks: { some: { ancestorId: areaId } } };
}

// ---- raw SQL ----

/** SQL: the area whose id is `areaId` lies inside the principal's jurisdiction. */
export function areaInJurisdictionSql(scope: Scope, areaId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const known = resolvedOf(scope);
  if (known)
    return orWholeTree(
      known,
      Prisma.sql`${areaId} IN (SELECT jc."descendantId" FROM "AreaClosure" jc
      WHERE jc."ancestorId" = ANY(${known.ids}::uuid[]))`,
    );
  return Prisma.sql`${areaId} IN (SELECT jc."descendantId" FROM "AreaClosure" jc JOIN "Area" ja ON ja.id = jc."ancestorId"
      WHERE ja.code = ANY(${[...scope.principal.jurisdiction]}::text[]))`;
}

/**
 * SQL: the area whose id is `areaId`, the area of a row already found by its key, lies inside the
 * jurisdiction, tested from the area's side: its ancestors (itself included, at most the tree's
 * depth, read through the `AreaClosure(descendantId)` index) overlap the jurisdiction's ids. The
 * cost is the same whatever the jurisdiction holds, so a named statement's generic plan is the
 * custom one: areaInJurisdictionSql's subtree (which a list needs, to be driven from the
 * jurisdiction) is costed in a generic plan as a handful of areas, and PostgreSQL then walked a
 * city's whole subtree for every row, or, with `= ANY` costed as ten areas, planned every call.
 */
export function areaAncestorsInJurisdictionSql(scope: Scope, areaId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const known = resolvedOf(scope);
  if (!known) return areaInJurisdictionSql(scope, areaId);
  return orWholeTree(
    known,
    Prisma.sql`ARRAY(SELECT jc."ancestorId" FROM "AreaClosure" jc WHERE jc."descendantId" = ${areaId})
      && ${known.ids}::uuid[]`,
  );
}

/**
 * SQL, true when the jurisdiction holds every root of the area tree, so every area lies inside it
 * (a city-wide command centre, the city being the tree's one root): uncorrelated, PostgreSQL
 * evaluates it once per statement (an InitPlan: one probe of the roots' index).
 */
function wholeTreeSql(ids: string[]): Prisma.Sql {
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM "Area" jr WHERE jr."parentId" IS NULL AND jr.id <> ALL(${ids}::uuid[]))`;
}

/**
 * An area test that a whole-tree jurisdiction answers at once: the per-row test (a walk of the
 * closure for every row a statement reads) runs only when the statement finds a root outside the
 * jurisdiction. The check is the statement's own, so it cannot go stale: a root added since the
 * codes were resolved makes every row take the per-row test. Only for a jurisdiction holding a
 * root: for a smaller one, the plain test keeps the plans that start from its few areas.
 */
function orWholeTree(known: Resolved, test: Prisma.Sql): Prisma.Sql {
  return known.hasRoot ? Prisma.sql`(${wholeTreeSql(known.ids)} OR ${test})` : test;
}

/** How a filter tests an element's area against the jurisdiction (the two functions above). */
export type AreaTest = (scope: Scope, areaId: Prisma.Sql) => Prisma.Sql;

/**
 * SQL: `column` is one of these ids — `= $n` for one id, `= ANY($n)` for several. A generic plan
 * costs an array parameter as ten elements whatever it holds, so a statement for one key (a
 * loader's batch of one: the person of person-360) never looked as cheap generic as custom and was
 * planned on every call; a scalar is costed as one key.
 */
export function oneOfIdsSql(column: Prisma.Sql, ids: readonly string[]): Prisma.Sql {
  return ids.length === 1
    ? Prisma.sql`${column} = ${ids[0]}::uuid`
    : Prisma.sql`${column} = ANY(${[...ids]}::uuid[])`;
}

/** SQL: the area whose id is `areaId` lies at or below the area with id `ancestorId`. */
export function areaUnderSql(ancestorId: string, areaId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${areaId} IN (SELECT uc."descendantId" FROM "AreaClosure" uc WHERE uc."ancestorId" = ${ancestorId}::uuid)`;
}

// ---- elements: how each is reachable, declared once ----

/**
 * Which area(s) make each element visible, and where they are read. An element is visible when
 * one of them lies inside the principal's jurisdiction. Persons and organisations are reachable
 * along several paths: the database keeps one row per (element, area) in a reach table, filled
 * from one view per element that declares the paths (migration `element_reach`), refreshed by
 * triggers on every table a path goes through (so ingest, merge, unmerge and the resolution pass
 * keep it without knowing of it). Events and addresses are reachable through their own area.
 * Every filter below (Prisma, SQL, the type-level check, node) is generated from this table.
 */
export const ELEMENT_REACH = {
  Person: {
    via: "reach",
    table: "PersonReach",
    key: "personId",
    paths: "addresses, events, posts (网格员), organisations belonged to (their area and address)",
    through: ["Event"],
  },
  Organisation: {
    via: "reach",
    table: "OrganisationReach",
    key: "organisationId",
    paths: "its area, its address, its events",
    // its events are a path too, but an event's organisations keep their filter (they are not
    // primed as visible for the type-level check, which would otherwise refuse them in a race)
    through: [],
  },
  Event: { via: "area", paths: "its own area" },
  Address: { via: "area", paths: "its own area" },
} as const satisfies Record<
  string,
  | {
      via: "reach";
      table: string;
      key: string;
      paths: string;
      /**
       * Elements whose link is one of the reach paths: linked to a visible one of them, this
       * element is visible (its reach table holds that element's own area).
       */
      through: readonly ("Event" | "Address")[];
    }
  | { via: "area"; paths: string }
>;
export type Element = keyof typeof ELEMENT_REACH;
type ReachElement = { [E in Element]: (typeof ELEMENT_REACH)[E]["via"] extends "reach" ? E : never }[Element];

/** Prisma filter on a reach element: one of its reach areas lies inside the jurisdiction. */
type ReachWhere = { reach: { some: { area: Prisma.AreaWhereInput } } };
/** Prisma filter on an element reachable through its own area. */
type AreaWhere = { area: Prisma.AreaWhereInput };

/** Prisma filter: the element is visible (the same rule as elementVisibleSql and the loader). */
export function visibleWhere(scope: Scope, element: ReachElement): ReachWhere | typeof NOTHING;
export function visibleWhere(
  scope: Scope,
  element: Exclude<Element, ReachElement>,
): AreaWhere | typeof NOTHING;
export function visibleWhere(scope: Scope, element: Element): ReachWhere | AreaWhere | typeof NOTHING {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  const area = inJurisdiction(scope);
  return ELEMENT_REACH[element].via === "reach" ? { reach: { some: { area } } } : { area };
}

/**
 * Filter on the persons or organisations linked to an element the caller already sees (an event's
 * parties): none where ELEMENT_REACH declares that link one of their reach paths, since the reach
 * table, which the database keeps with every link, then holds the seen element's own area for each
 * of them; else the jurisdiction's filter. Leaving it out spares the statement a reach probe and a
 * walk of the closure per linked row (and their planning).
 */
export function linkedVisibleWhere<E extends ReachElement>(
  scope: Scope,
  element: E,
  from: Element,
): ReachWhere | typeof NOTHING | null {
  if (!hasJurisdiction(scope.principal)) return NOTHING;
  return (ELEMENT_REACH[element].through as readonly Element[]).includes(from)
    ? null
    : visibleWhere(scope, element);
}

/**
 * The type-level check of an element reached through its own area, when the caller already holds
 * that area's path (no statement): the same rule as visibleWhere and elementVisibleSql.
 */
export function ownAreaVisible(
  principal: Principal,
  element: Exclude<Element, ReachElement>,
  areaPath: string | null,
): boolean {
  return (
    ELEMENT_REACH[element].via === "area" && areaPath !== null && withinJurisdiction(principal, areaPath)
  );
}

/** SQL: the element whose id is `id` reaches an area inside the jurisdiction (reach elements). */
export function reachVisibleSql(
  scope: Scope,
  element: ReachElement,
  id: Prisma.Sql,
  areaTest: AreaTest = areaInJurisdictionSql,
): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  const { table, key } = ELEMENT_REACH[element];
  return Prisma.sql`EXISTS (SELECT 1 FROM ${Prisma.raw(`"${table}"`)} vr WHERE vr.${Prisma.raw(`"${key}"`)} = ${id}
    AND ${areaTest(scope, Prisma.sql`vr."areaId"`)})`;
}

/**
 * SQL: the element row (alias `row`, a table of that element) is visible. `areaTest`:
 * areaAncestorsInJurisdictionSql where the row is already found by its key (a probe per row).
 */
export function elementVisibleSql(
  scope: Scope,
  element: Element,
  row: string,
  areaTest: AreaTest = areaInJurisdictionSql,
): Prisma.Sql {
  const spec = ELEMENT_REACH[element];
  if (spec.via === "reach")
    return reachVisibleSql(scope, element as ReachElement, Prisma.raw(`${row}.id`), areaTest);
  return areaTest(scope, Prisma.raw(`${row}."areaId"`));
}

/** SQL: the person whose id is `personId` is visible. */
export function personVisibleSql(scope: Scope, personId: Prisma.Sql): Prisma.Sql {
  return reachVisibleSql(scope, "Person", personId);
}

/** SQL: the organisation (alias `o`) is visible. */
export function organisationVisibleSql(scope: Scope, org: string): Prisma.Sql {
  return elementVisibleSql(scope, "Organisation", org);
}

const TABLES: Record<Element, string> = {
  Person: "Person",
  Organisation: "Organisation",
  Event: "Event",
  Address: "Address",
};

/** Which of these ids name an element of this kind that is visible: one statement. */
export async function visibleIds(
  scope: Scope,
  element: Element,
  ids: readonly string[],
): Promise<Set<string>> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0 || !hasJurisdiction(scope.principal)) return new Set();
  await ensureJurisdiction(scope);
  const rows = await scope.db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT x.id::text AS id FROM ${Prisma.raw(`"${TABLES[element]}"`)} x
    WHERE x.id = ANY(${valid}::uuid[]) AND ${elementVisibleSql(scope, element, "x")}`);
  return new Set(rows.map((r) => r.id));
}

/** An id as the database keeps it (anything else names no element). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MERGED_TYPE = { Person: "PERSON", Organisation: "ORGANISATION" } as const;

/**
 * Where these ids' elements are for this principal: an id's own element when it exists and is
 * visible; for a person or organisation merged away (before or after it was read), its surviving
 * element (following chains of merges) when that one is visible; absent otherwise. An unknown id
 * and one outside jurisdiction answer the same: absent.
 */
export async function locateElements(
  scope: Scope,
  element: Element,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visible = await visibleIds(scope, element, ids);
  for (const id of visible) found.set(id, id);
  if (element !== "Person" && element !== "Organisation") return found;
  const rest = ids.filter((id) => !visible.has(id) && UUID.test(id));
  if (rest.length === 0) return found;
  const to = await survivorIds(scope.db, MERGED_TYPE[element], rest);
  // Also an id that holds itself now: an unmerge may have restored it since the first look.
  const moved = rest.filter((id) => to.has(id));
  if (moved.length === 0) return found;
  const survivors = await visibleIds(scope, element, [...new Set(moved.map((id) => to.get(id)!))]);
  for (const id of moved) if (survivors.has(to.get(id)!)) found.set(id, to.get(id)!);
  return found;
}

/**
 * Per-request loaders for the type-level check: is this element visible? One statement per kind
 * of element per tick (the scope is the request's: loaders live for one request).
 */
export function createJurisdictionLoaders() {
  const byElement = new Map<Element, DataLoader<string, boolean>>();
  function elementVisible(scope: Scope, element: Element): DataLoader<string, boolean> {
    let loader = byElement.get(element);
    if (!loader) {
      loader = new DataLoader<string, boolean>(async (ids) => {
        const visible = await locateElements(scope, element, ids);
        return ids.map((id) => visible.has(id));
      });
      byElement.set(element, loader);
    }
    return loader;
  }
  /**
   * Elements this request read through their visibility filter (visibleWhere, in the statement
   * that fetched them): the type-level check answers for them without a statement of its own.
   */
  function provenVisible(scope: Scope, element: Element, ids: Iterable<string>): void {
    const loader = elementVisible(scope, element);
    for (const id of ids) loader.prime(id, true);
  }
  return { elementVisible, provenVisible };
}

// ---- provenance ----

/**
 * SQL: the source record whose id is `recordId` lies within jurisdiction: every element it
 * asserts (persons, organisations, events, addresses; areas are public) is visible, each by its
 * own rule. A record that also names an event or a home address outside jurisdiction would tell
 * what the element filters hide, so it is not shown.
 */
export function sourceRecordInJurisdictionSql(scope: Scope, recordId: Prisma.Sql): Prisma.Sql {
  if (!hasJurisdiction(scope.principal)) return Prisma.sql`FALSE`;
  // every element is found by its key: its areas are tested from their side (a probe each)
  const test = areaAncestorsInJurisdictionSql;
  const own = (element: "Event" | "Address") =>
    Prisma.sql`EXISTS (SELECT 1 FROM ${Prisma.raw(`"${TABLES[element]}"`)} x WHERE x.id = ses."entityId"
      AND ${elementVisibleSql(scope, element, "x", test)})`;
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM "EntitySource" ses WHERE ses."sourceRecordId" = ${recordId}
    AND NOT (CASE ses."entityType"
      WHEN 'PERSON' THEN ${reachVisibleSql(scope, "Person", Prisma.sql`ses."entityId"`, test)}
      WHEN 'ORGANISATION' THEN ${reachVisibleSql(scope, "Organisation", Prisma.sql`ses."entityId"`, test)}
      WHEN 'EVENT' THEN ${own("Event")}
      WHEN 'ADDRESS' THEN ${own("Address")}
      ELSE TRUE END))`;
}
