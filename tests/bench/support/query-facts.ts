// bench:query compares three servers' answers before timing them: the key facts of each answer
// (which person, which events in which order, how many of everything), read from the hub's shape
// (also the SQL floor's) and from PostGraphile's generated shape. Pure functions, unit-tested.

export type ServerName = "hub" | "postgraphile" | "sql";

export interface PersonFacts {
  personId: string;
  name: string;
  addresses: number;
  organisations: number;
  eventsTotal: number;
  /** Event ids of the page, in order (one per edge: a person may play two parts in one event). */
  eventIds: string[];
  /** "connectorId sourceKey" of every provenance link, sorted (the hub leaves ties in link time unordered). */
  sources: string[];
}

export interface AreaEventFacts {
  totalCount: number;
  hasNextPage: boolean;
  eventIds: string[];
}

type Json = Record<string, unknown>;

const obj = (v: unknown, what: string): Json => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${what}: not an object`);
  return v as Json;
};
const list = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`${what}: not a list`);
  return v;
};
const num = (v: unknown, what: string): number => {
  if (typeof v !== "number") throw new Error(`${what}: not a number`);
  return v;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new Error(`${what}: not a string`);
  return v;
};

const sourceLabel = (s: Json) => `${str(s.connectorId, "connectorId")} ${str(s.sourceKey, "sourceKey")}`;

/** The database id inside a Relay global id (base64 "Type:id"). */
export function decodeGlobalId(globalId: string): { type: string; id: string } {
  const text = Buffer.from(globalId, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) throw new Error(`not a global id: ${globalId}`);
  return { type: text.slice(0, colon), id: text.slice(colon + 1) };
}

/** `data` of a GraphQL-style response, or an error naming what came back instead. */
export function dataOf(body: unknown): Json {
  const b = obj(body, "response");
  if (b.errors !== undefined) throw new Error(`errors: ${JSON.stringify(b.errors).slice(0, 500)}`);
  return obj(b.data, "data");
}

/** Person-360 facts; null when the person was not found. */
export function personFacts(server: ServerName, body: unknown): PersonFacts | null {
  const data = dataOf(body);
  if (server === "postgraphile") {
    const nodes = list(obj(data.allPeople, "allPeople").nodes, "allPeople.nodes");
    if (nodes.length === 0) return null;
    const p = obj(nodes[0], "person");
    const events = obj(p.eventParts, "eventParts");
    return {
      personId: str(p.rowId, "rowId"),
      name: str(p.name, "name"),
      addresses: list(obj(p.personAddressesByPersonId, "addresses").nodes, "addresses").length,
      organisations: list(obj(p.personOrganisationsByPersonId, "organisations").nodes, "organisations")
        .length,
      eventsTotal: num(events.totalCount, "eventParts.totalCount"),
      eventIds: list(events.nodes, "eventParts.nodes").map((n) =>
        str(obj(obj(n, "part").eventByEventId, "event").rowId, "event.rowId"),
      ),
      sources: list(obj(p.sources, "sources").nodes, "sources.nodes")
        .map((n) => sourceLabel(obj(obj(n, "source").sourceRecordBySourceRecordId, "sourceRecord")))
        .sort(),
    };
  }
  if (data.person === null) return null;
  const p = obj(data.person, "person");
  const events = obj(p.events, "events");
  return {
    personId: decodeGlobalId(str(p.id, "id")).id,
    name: str(p.name, "name"),
    addresses: list(p.addresses, "addresses").length,
    organisations: list(p.organisations, "organisations").length,
    eventsTotal: num(events.totalCount, "events.totalCount"),
    eventIds: list(events.edges, "events.edges").map(
      (e) => decodeGlobalId(str(obj(obj(e, "edge").node, "node").id, "node.id")).id,
    ),
    sources: list(p.sources, "sources")
      .map((x) => sourceLabel(obj(x, "source")))
      .sort(),
  };
}

/** Area event list facts; null when the area was not found (PostGraphile only: the hub errs). */
export function areaEventFacts(server: ServerName, body: unknown): AreaEventFacts | null {
  const data = dataOf(body);
  let connection: Json;
  let idOf: (node: Json) => string;
  if (server === "postgraphile") {
    const nodes = list(obj(data.allAreas, "allAreas").nodes, "allAreas.nodes");
    if (nodes.length === 0) return null;
    connection = obj(obj(nodes[0], "area").eventsInSubtree, "eventsInSubtree");
    idOf = (node) => str(node.rowId, "rowId");
  } else {
    connection = obj(data.events, "events");
    idOf = (node) => decodeGlobalId(str(node.id, "id")).id;
  }
  return {
    totalCount: num(connection.totalCount, "totalCount"),
    hasNextPage: obj(connection.pageInfo, "pageInfo").hasNextPage === true,
    eventIds: list(connection.edges, "edges").map((e) => idOf(obj(obj(e, "edge").node, "node"))),
  };
}

/** Where two sets of facts differ, one line each; empty when they agree. */
export function factDifferences<T extends object>(expected: T | null, actual: T | null): string[] {
  if (expected === null || actual === null)
    return expected === actual ? [] : [`found: ${expected !== null} vs ${actual !== null}`];
  const out: string[] = [];
  for (const key of Object.keys(expected) as (keyof T & string)[]) {
    const a = JSON.stringify(expected[key]);
    const b = JSON.stringify(actual[key]);
    if (a !== b) out.push(`${key}: ${a.slice(0, 200)} vs ${b.slice(0, 200)}`);
  }
  return out;
}

/** a ÷ b, or NaN when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !b)
    return Number.NaN;
  return a / b;
}

/** "0.42×" (two significant digits below 10, one decimal above), "n/a" when not a number. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "n/a";
  return `${r >= 10 ? r.toFixed(1) : r.toPrecision(2)}×`;
}

/** The first place two JSON values differ, as a path like `$.person.sources[2].sourceKey`; null if equal. */
export function firstDifference(a: unknown, b: unknown, at = "$"): string | null {
  if (Object.is(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return a.length === b.length ? null : `${at}.length (${a.length} vs ${b.length})`;
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) return `${at} keys (${ka.join(",")} vs ${kb.join(",")})`;
    for (const k of ka) {
      const d = firstDifference((a as Json)[k], (b as Json)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return `${at} (${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)})`;
}

/**
 * A person-360 answer with `person.sources` sorted by connector and key (a copy; anything else is
 * returned as is): the hub orders provenance by link time only, and the records of one sync page
 * share it, so their order among themselves is whatever PostgreSQL returns.
 */
export function withSortedSources(body: unknown): unknown {
  const person = (body as { data?: { person?: { sources?: unknown } } } | null)?.data?.person;
  if (!person || !Array.isArray(person.sources)) return body;
  const key = (s: unknown) => {
    const x = s as { connectorId?: unknown; sourceKey?: unknown; fetchedAt?: unknown };
    return `${String(x.connectorId)}\u0000${String(x.sourceKey)}\u0000${String(x.fetchedAt)}`;
  };
  const sources = [...person.sources].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const b = body as { data: Json & { person: Json } };
  return { ...b, data: { ...b.data, person: { ...b.data.person, sources } } };
}
