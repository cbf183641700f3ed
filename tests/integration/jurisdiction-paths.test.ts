// Jurisdiction is declared once per element (resolvers/jurisdiction.ts, the reach tables the
// database keeps): every path must agree with it. Random principals (a seeded draw of districts,
// streets, communities and grids, and of working roles) are checked against an oracle written here
// from the link tables themselves: node(id) ⇔ the root list ⇔ search by an exact key ⇔ totalCount;
// relations hold only visible elements; an unknown ID and one outside jurisdiction answer alike;
// a merged person's ID answers with its survivor. Positive controls: every principal is drawn
// where data lies, and sees some of it, so that refusing everything cannot pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinConnectors } from "../../connectors/departments/index.js";
import type { Role } from "../../domain/roles.js";
import { resolvePending } from "../../integration/resolution/pass.js";
import { ELEMENT_REACH } from "../../resolvers/jurisdiction.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { startSmallSandbox } from "./sandbox/support.js";

let sandbox: Sandbox;
let hub: TestHub;

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  const connectors = builtinConnectors(sandbox.urls);
  // The resolution pass runs here, once, not in the background: the oracle must not race merges.
  hub = await startTestHub({}, connectors, undefined, { resolveAfterSync: false });
  for (const c of connectors) expect((await hub.sync.run(c.manifest.id)).outcome).toBe("SUCCEEDED");
  await resolvePending(hub.db);
}, 240_000);
afterAll(async () => {
  await hub?.stop();
  await sandbox?.stop();
});

const PURPOSE = "EMERGENCY_RESPONSE";
const WORKING_ROLES: Role[] = [
  "city_commander",
  "district_commander",
  "street_operator",
  "community_worker",
  "grid_worker",
];
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
const UNKNOWN = "00000000-0000-7000-8000-000000000000";

/** mulberry32: a small seeded generator, so that a failure is reproduced by the same draw. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const sample = <T>(r: () => number, xs: readonly T[], n: number): T[] => {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
};

/**
 * The oracle: who a jurisdiction (area codes, each with its subtree) sees, read path by path from
 * the link tables (not from the reach tables the hub reads).
 */
async function oracle(codes: string[]) {
  const ids = async (sql: string) =>
    new Set(
      (
        await hub.db.$queryRawUnsafe<{ id: string }[]>(
          `WITH d AS (SELECT c."descendantId" AS id FROM "AreaClosure" c JOIN "Area" a ON a.id = c."ancestorId"
                    WHERE a.code = ANY($1::text[]))
         ${sql}`,
          codes,
        )
      ).map((r) => r.id),
    );
  return {
    persons: await ids(`SELECT p.id::text AS id FROM "Person" p WHERE
      EXISTS (SELECT 1 FROM "PersonAddress" pa JOIN "Address" ad ON ad.id = pa."addressId"
              WHERE pa."personId" = p.id AND ad."areaId" IN (SELECT id FROM d))
      OR EXISTS (SELECT 1 FROM "EventPerson" ep JOIN "Event" e ON e.id = ep."eventId"
              WHERE ep."personId" = p.id AND e."areaId" IN (SELECT id FROM d))
      OR EXISTS (SELECT 1 FROM "PersonPost" pp WHERE pp."personId" = p.id AND pp."areaId" IN (SELECT id FROM d))
      OR EXISTS (SELECT 1 FROM "PersonOrganisation" po JOIN "Organisation" o ON o.id = po."organisationId"
              LEFT JOIN "Address" oa ON oa.id = o."addressId"
              WHERE po."personId" = p.id AND (o."areaId" IN (SELECT id FROM d) OR oa."areaId" IN (SELECT id FROM d)))`),
    organisations:
      await ids(`SELECT o.id::text AS id FROM "Organisation" o LEFT JOIN "Address" oa ON oa.id = o."addressId"
      WHERE o."areaId" IN (SELECT id FROM d) OR oa."areaId" IN (SELECT id FROM d)
      OR EXISTS (SELECT 1 FROM "EventOrganisation" eo JOIN "Event" e ON e.id = eo."eventId"
                 WHERE eo."organisationId" = o.id AND e."areaId" IN (SELECT id FROM d))`),
    events: await ids(`SELECT e.id::text AS id FROM "Event" e WHERE e."areaId" IN (SELECT id FROM d)`),
    addresses: await ids(`SELECT a.id::text AS id FROM "Address" a WHERE a."areaId" IN (SELECT id FROM d)`),
  };
}

type Connection = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { id: string } }[];
};

/** Every id a root connection lists, walking its pages, and its totalCount. */
async function walk(token: string, root: "persons" | "organisations" | "addresses", max = 2_000) {
  const seen = new Set<string>();
  let after: string | null = null;
  let total = -1;
  for (;;) {
    const r: { data?: Record<string, Connection> | null; errors?: unknown } = await hub.gql<
      Record<string, Connection>
    >(
      `query($after: String) { ${root}(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      { token, variables: { after } },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data![root]!;
    total = c.totalCount;
    for (const e of c.edges) seen.add(rawId(e.node.id));
    if (!c.pageInfo.hasNextPage || seen.size >= max) break;
    after = c.pageInfo.endCursor;
  }
  return { seen, total };
}

/** A response with every global ID and raw id in it replaced, to compare two answers' shapes. */
const shape = (value: unknown, ...ids: string[]) => {
  let text = JSON.stringify(value);
  for (const id of ids) text = text.split(id).join("<id>");
  return JSON.parse(text) as unknown;
};

describe("every path agrees on jurisdiction", () => {
  it("for random principals: node, nodes, root lists, search, counts and relations", async () => {
    const r = rng(20261204);
    // Where data lies: areas that some element reaches, with their ancestors up to the district.
    const levels = ["DISTRICT", "STREET", "COMMUNITY", "GRID"] as const;
    const populated = await hub.db.$queryRaw<{ code: string; level: string }[]>`
      SELECT DISTINCT a.code, a.level::text AS level FROM "Area" a
      JOIN "AreaClosure" c ON c."ancestorId" = a.id
      WHERE a.level::text = ANY(${[...levels]}::text[])
        AND c."descendantId" IN (SELECT "areaId" FROM "Event" UNION SELECT "areaId" FROM "Address")
      ORDER BY a.code`;
    const everywhere = await hub.db.area.findMany({
      where: { level: { in: [...levels] } },
      select: { code: true },
      orderBy: { code: "asc" },
    });
    expect(populated.length).toBeGreaterThan(4);
    const allPersons = (await hub.db.person.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map(
      (p) => p.id,
    );
    const allOrgs = (
      await hub.db.organisation.findMany({ select: { id: true }, orderBy: { id: "asc" } })
    ).map((o) => o.id);
    const allEvents = await hub.db.event.findMany({
      select: { id: true, kind: true },
      orderBy: { id: "asc" },
    });
    const KIND: Record<string, string> = {
      POLICE_INCIDENT: "PoliceIncident",
      HOTLINE_TICKET: "HotlineTicket",
      PETITION: "Petition",
      DISPUTE: "Dispute",
      GRID_REPORT: "GridReport",
    };

    let sawSome = 0;
    let missedSome = 0;
    for (let draw = 0; draw < 8; draw += 1) {
      // one level each time, where data lies; every third draw anywhere in the tree
      const level = levels[draw % levels.length]!;
      const candidates = populated.filter((a) => a.level === level);
      const code =
        draw % 3 === 2 ? pick(r, everywhere).code : pick(r, candidates.length ? candidates : populated).code;
      const roles = [pick(r, WORKING_ROLES), ...(r() < 0.3 ? [pick(r, WORKING_ROLES)] : [])];
      const token = await hub.token({ roles, areas: [code], purpose: PURPOSE });
      // search and relations need values the policy shows in full: the same jurisdiction, a role
      // cleared for them
      const searcher = await hub.token({ roles: ["city_commander"], areas: [code], purpose: PURPOSE });
      const want = await oracle([code]);
      const context = `draw ${draw}: ${roles.join("+")} over ${code}`;

      // roots and counts: exactly the oracle's sets (persons, organisations, addresses)
      for (const [root, expected] of [
        ["persons", want.persons],
        ["organisations", want.organisations],
        ["addresses", want.addresses],
      ] as const) {
        const listed = await walk(token, root);
        expect(listed.total, `${context}: ${root} totalCount`).toBe(expected.size);
        if (expected.size <= 2_000)
          expect([...listed.seen].sort(), `${context}: ${root}`).toEqual([...expected].sort());
      }
      const events = await hub.gql<{ events: { totalCount: number } }>(
        `{ events(first: 1) { totalCount } }`,
        {
          token,
        },
      );
      expect(events.errors).toBeUndefined();
      expect(events.data!.events.totalCount, `${context}: events totalCount`).toBe(want.events.size);

      // node and nodes: visible ⇔ in the oracle's set; outside and unknown answer alike
      const persons = [
        ...sample(r, [...want.persons].sort(), 6),
        ...sample(
          r,
          allPersons.filter((id) => !want.persons.has(id)),
          6,
        ),
      ];
      const orgs = [
        ...sample(r, [...want.organisations].sort(), 3),
        ...sample(
          r,
          allOrgs.filter((id) => !want.organisations.has(id)),
          3,
        ),
      ];
      const evs = [
        ...sample(
          r,
          allEvents.filter((e) => want.events.has(e.id)),
          3,
        ),
        ...sample(
          r,
          allEvents.filter((e) => !want.events.has(e.id)),
          3,
        ),
      ];
      const ids = [
        ...persons.map((id) => ({ g: gid("Person", id), visible: want.persons.has(id), id })),
        ...orgs.map((id) => ({ g: gid("Organisation", id), visible: want.organisations.has(id), id })),
        ...evs.map((e) => ({ g: gid(KIND[e.kind]!, e.id), visible: want.events.has(e.id), id: e.id })),
      ];
      const unknown = gid("Person", UNKNOWN);
      const unknownAnswer = await hub.gql(`query($id: ID!) { node(id: $id) { id } }`, {
        token,
        variables: { id: unknown },
      });
      expect(unknownAnswer.data?.node ?? null).toBeNull();
      expect(unknownAnswer.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      for (const { g, visible, id } of ids) {
        const one = await hub.gql<{ node: { id: string } | null }>(
          `query($id: ID!) { node(id: $id) { id } }`,
          {
            token,
            variables: { id: g },
          },
        );
        if (visible) {
          expect(one.errors, `${context}: node ${id}`).toBeUndefined();
          expect(one.data!.node!.id).toBe(g);
          sawSome += 1;
        } else {
          expect(shape(one, g, id), `${context}: node ${id} outside`).toEqual(
            shape(unknownAnswer, unknown, UNKNOWN),
          );
          missedSome += 1;
        }
      }
      const many = await hub.gql<{ nodes: ({ id: string } | null)[] }>(
        `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
        { token, variables: { ids: ids.map((x) => x.g) } },
      );
      expect(many.data!.nodes.map((n) => n?.id ?? null)).toEqual(ids.map((x) => (x.visible ? x.g : null)));
      const refused = (many.errors ?? []).map((e) => (e as { path?: unknown[] }).path?.[1]);
      expect(refused).toEqual(ids.flatMap((x, i) => (x.visible ? [] : [i])));
      for (const e of many.errors ?? []) expect(e.extensions?.code).toBe("NOT_FOUND");

      // search by an exact key: found ⇔ visible
      const withKeys = await hub.db.person.findMany({
        where: { id: { in: persons }, OR: [{ phone: { not: null } }, { citizenId: { not: null } }] },
        select: { id: true, phone: true, citizenId: true },
      });
      for (const p of withKeys) {
        const text = p.citizenId ?? p.phone!;
        const found = await hub.gql<{ search: { element: { id: string } }[] }>(
          `query($text: String!) { search(text: $text, types: [PERSON]) { element { ... on Person { id } } } }`,
          { token: searcher, variables: { text } },
        );
        expect(found.errors).toBeUndefined();
        const hit = found.data!.search.some((h) => h.element.id === gid("Person", p.id));
        expect(hit, `${context}: search ${text}`).toBe(want.persons.has(p.id));
      }

      // relations hold only visible elements (asked by a role cleared for every field they show:
      // jurisdiction is what is checked here, not the field policy)
      const seenPersons = persons.filter((id) => want.persons.has(id)).slice(0, 3);
      const rel = await hub.gql<{
        nodes: {
          organisations: { organisation: { id: string } }[];
          coParties: { person: { id: string } }[];
          events: {
            edges: {
              node: {
                parties: { person: { id: string } }[];
                organisations: { organisation: { id: string } }[];
              };
            }[];
          };
        }[];
      }>(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person {
          organisations { organisation { id members { person { id } } } }
          coParties(first: 50) { person { id } }
          events(first: 20) { edges { node { parties { person { id } } organisations { organisation { id } } } } } } } }`,
        { token: searcher, variables: { ids: seenPersons.map((id) => gid("Person", id)) } },
      );
      expect(rel.errors, context).toBeUndefined();
      for (const n of rel.data!.nodes) {
        for (const o of n.organisations) expect(want.organisations.has(rawId(o.organisation.id))).toBe(true);
        for (const c of n.coParties) expect(want.persons.has(rawId(c.person.id))).toBe(true);
        for (const e of n.events.edges) {
          for (const p of e.node.parties) expect(want.persons.has(rawId(p.person.id))).toBe(true);
          for (const o of e.node.organisations)
            expect(want.organisations.has(rawId(o.organisation.id))).toBe(true);
        }
      }
    }
    // positive and negative controls over the whole draw
    expect(sawSome).toBeGreaterThan(10);
    expect(missedSome).toBeGreaterThan(10);
  }, 120_000);

  it("confines an event list to an area inside, around and beside the jurisdiction", async () => {
    // A list confined to a subtree inside the jurisdiction leaves the jurisdiction's own test out
    // (resolvers/events.ts, confinedToJurisdiction): each list must still be exactly the oracle's
    // events of the jurisdiction within the subtree, whichever way the two areas nest.
    const r = rng(20261206);
    const areas = await hub.db.$queryRaw<{ code: string; level: string; parent: string | null }[]>`
      SELECT DISTINCT a.code, a.level::text AS level, p.code AS parent FROM "Area" a
      LEFT JOIN "Area" p ON p.id = a."parentId"
      JOIN "AreaClosure" c ON c."ancestorId" = a.id
      WHERE a.level::text IN ('STREET', 'COMMUNITY') AND c."descendantId" IN (SELECT "areaId" FROM "Event")
      ORDER BY a.code`;
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const below = async (code: string) =>
      (
        await hub.db.$queryRaw<{ code: string }[]>`
        SELECT d.code FROM "AreaClosure" c JOIN "Area" a ON a.id = c."ancestorId" JOIN "Area" d ON d.id = c."descendantId"
        WHERE a.code = ${code} AND c.distance > 0 AND d."id" IN (SELECT "areaId" FROM "Event") ORDER BY d.code`
      ).map((x) => x.code);
    const listed = async (token: string, field: "root" | "area", code: string) => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = -1;
      for (;;) {
        const q =
          field === "root"
            ? `query($code: String!, $after: String) { c: events(filter: { under: $code }, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`
            : `query($code: String!, $after: String) { area(code: $code) { c: events(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`;
        const res: { data?: Record<string, unknown> | null; errors?: unknown } = await hub.gql(q, {
          token,
          variables: { code, after },
        });
        expect(res.errors, `${field} ${code}`).toBeUndefined();
        const c = (field === "root" ? res.data!.c : (res.data!.area as { c: unknown }).c) as Connection;
        total = c.totalCount;
        for (const e of c.edges) seen.push(rawId(e.node.id));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      return { seen: seen.sort(), total };
    };
    let inside = 0;
    let outside = 0;
    for (let draw = 0; draw < 4; draw += 1) {
      const home = pick(
        r,
        areas.filter((a) => a.level === (draw % 2 ? "COMMUNITY" : "STREET")),
      );
      const token = await hub.token({ roles: ["city_commander"], areas: [home.code], purpose: PURPOSE });
      const mine = (await oracle([home.code])).events;
      const children = await below(home.code);
      const sibling = areas.find((a) => a.parent === home.parent && a.code !== home.code);
      const cases: { code: string; how: string; area: boolean }[] = [
        { code: home.code, how: "the jurisdiction itself", area: true },
        ...(children[0] ? [{ code: pick(r, children), how: "inside", area: true }] : []),
        ...(home.parent ? [{ code: home.parent, how: "around (its parent)", area: true }] : []),
        { code: "320600", how: "around (the city)", area: true },
        ...(sibling ? [{ code: sibling.code, how: "beside (a sibling with events)", area: false }] : []),
      ];
      for (const c of cases) {
        const subtree = (await oracle([c.code])).events;
        const want = [...mine].filter((id) => subtree.has(id)).sort();
        const context = `draw ${draw}: jurisdiction ${home.code} (${byCode.get(home.code)?.level}), under ${c.code}, ${c.how}`;
        for (const field of c.area ? (["root", "area"] as const) : (["root"] as const)) {
          const got = await listed(token, field, c.code);
          expect(got.total, `${context}: ${field} totalCount`).toBe(want.length);
          expect(got.seen, `${context}: ${field} events`).toEqual(want);
        }
        if (want.length > 0) inside += 1;
        if (subtree.size > want.length) outside += 1;
      }
    }
    // controls: some lists hold events, and some subtrees hold events the principal may not see
    expect(inside).toBeGreaterThan(4);
    expect(outside).toBeGreaterThan(4);
  }, 120_000);

  it("answers a merged person's ID with its survivor, and NOT_FOUND where the survivor is not visible", async () => {
    const steward = await hub.token({
      roles: ["data_steward", "city_commander"],
      areas: ["320600"],
      purpose: PURPOSE,
    });
    // two persons with an address in different grids, the one merged away without a citizen ID
    // (two valid different IDs are two people: the merge is refused)
    const inGrid = (withoutId: boolean) => hub.db.$queryRaw<{ id: string; grid: string }[]>`
      SELECT p.id::text AS id, ar.code AS grid FROM "Person" p
      JOIN "PersonAddress" pa ON pa."personId" = p.id JOIN "Address" ad ON ad.id = pa."addressId"
      JOIN "Area" ar ON ar.id = ad."areaId"
      WHERE ar.level = 'GRID' AND (NOT ${withoutId} OR p."citizenId" IS NULL)
      ORDER BY p.id LIMIT 50`;
    const b = (await inGrid(true))[0];
    const a = (await inGrid(false)).find((p) => p.grid !== b?.grid && p.id !== b?.id);
    expect(a && b).toBeTruthy();
    const merged = await hub.gql(
      `mutation($s: ID!, $m: ID!) { mergePersons(survivorId: $s, mergedId: $m, reason: "核实后合并") { id } }`,
      { token: steward, variables: { s: gid("Person", a!.id), m: gid("Person", b!.id) } },
    );
    expect(merged.errors).toBeUndefined();
    // the merged person's rows moved: the survivor now reaches both grids
    const node = (token: string, id: string) =>
      hub.gql<{ node: { id: string } | null }>(`query($id: ID!) { node(id: $id) { id } }`, {
        token,
        variables: { id },
      });
    const city = await node(steward, gid("Person", b!.id));
    expect(city.errors).toBeUndefined();
    expect(city.data!.node!.id).toBe(gid("Person", a!.id));
    const inB = await hub.token({ roles: ["grid_worker"], areas: [b!.grid], purpose: PURPOSE });
    expect((await node(inB, gid("Person", b!.id))).data!.node!.id).toBe(gid("Person", a!.id));
    // a grid the survivor does not reach: the merged ID answers exactly as an unknown one
    const [elsewhere] = await hub.db.$queryRaw<{ code: string }[]>`
      SELECT a.code FROM "Area" a WHERE a.level = 'GRID'
        AND NOT EXISTS (SELECT 1 FROM "PersonReach" r JOIN "AreaClosure" c ON c."descendantId" = r."areaId"
                        WHERE r."personId" = ${a!.id}::uuid AND c."ancestorId" = a.id)
      ORDER BY a.code LIMIT 1`;
    const outside = await hub.token({ roles: ["grid_worker"], areas: [elsewhere!.code], purpose: PURPOSE });
    const far = await node(outside, gid("Person", b!.id));
    const unknown = await node(outside, gid("Person", UNKNOWN));
    expect(far.data?.node ?? null).toBeNull();
    expect(far.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(shape(far, gid("Person", b!.id), b!.id)).toEqual(shape(unknown, gid("Person", UNKNOWN), UNKNOWN));
    // a global ID naming another kind of event than the one it is: as unknown, too
    const incident = await hub.db.event.findFirstOrThrow({ where: { kind: "POLICE_INCIDENT" } });
    const wrongKind = await node(steward, gid("HotlineTicket", incident.id));
    const unknownTicket = await node(steward, gid("HotlineTicket", UNKNOWN));
    expect(wrongKind.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(shape(wrongKind, gid("HotlineTicket", incident.id), incident.id)).toEqual(
      shape(unknownTicket, gid("HotlineTicket", UNKNOWN), UNKNOWN),
    );
    // merges the resolution pass made after the load never give an internal error
    const auto = await hub.db.merge.findMany({
      where: { entityType: "PERSON", method: "AUTOMATIC", undoneAt: null },
      select: { mergedId: true },
      take: 50,
    });
    expect(auto.length).toBeGreaterThan(0);
    const r = await hub.gql<{ nodes: ({ id: string } | null)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { token: steward, variables: { ids: auto.map((m) => gid("Person", m.mergedId)) } },
    );
    for (const e of r.errors ?? []) expect(e.extensions?.code).toBe("NOT_FOUND");
    expect(r.data!.nodes.filter((n) => n !== null).length).toBeGreaterThan(0);
  }, 60_000);
  it("holds, for every link a reach path declares, the linked element's reach to the visible element's area", async () => {
    // ELEMENT_REACH's `through`: an event's parties are read without the jurisdiction's filter,
    // the event being visible (linkedVisibleWhere). That is sound only if the reach table holds
    // each event's area for each party, after the sync, the resolution pass and the merges above.
    const LINKS: Record<string, string> = {
      "Person<-Event": `SELECT count(*)::int AS links, count(*) FILTER (WHERE NOT EXISTS (
          SELECT 1 FROM "PersonReach" r WHERE r."personId" = l."personId" AND r."areaId" = e."areaId"))::int AS missing
        FROM "EventPerson" l JOIN "Event" e ON e.id = l."eventId"`,
    };
    const declared = Object.entries(ELEMENT_REACH).flatMap(([element, spec]) =>
      "through" in spec ? spec.through.map((from) => `${element}<-${from}`) : [],
    );
    expect(declared.length).toBeGreaterThan(0);
    for (const pair of declared) {
      expect(LINKS[pair], `a check of ${pair}`).toBeDefined();
      const [row] = await hub.db.$queryRawUnsafe<{ links: number; missing: number }[]>(LINKS[pair]!);
      expect(row!.links, pair).toBeGreaterThan(10);
      expect(row!.missing, pair).toBe(0);
    }
    // and an event's parties, read by a grid's worker, are all its parties (none filtered away)
    const [grid] = await hub.db.$queryRaw<{ code: string }[]>`
      SELECT a.code FROM "Area" a JOIN "Event" e ON e."areaId" = a.id JOIN "EventPerson" ep ON ep."eventId" = e.id
      WHERE a.level = 'GRID' GROUP BY a.code ORDER BY count(*) DESC, a.code LIMIT 1`;
    const token = await hub.token({ roles: ["city_commander"], areas: [grid!.code], purpose: PURPOSE });
    const r = await hub.gql<{
      events: { edges: { node: { id: string; parties: { person: { id: string } }[] } }[] };
    }>(
      `query($code: String!) { events(filter: { under: $code }, first: 50) { edges { node { id parties { person { id } } } } } }`,
      { token, variables: { code: grid!.code } },
    );
    expect(r.errors).toBeUndefined();
    const events = r.data!.events.edges.map((e) => e.node);
    expect(events.length).toBeGreaterThan(0);
    let parties = 0;
    for (const e of events) {
      const links = await hub.db.eventPerson.findMany({
        where: { eventId: rawId(e.id) },
        select: { personId: true },
      });
      const got = e.parties.map((p) => rawId(p.person.id)).sort();
      expect(got, `parties of ${rawId(e.id)}`).toEqual(links.map((l) => l.personId).sort());
      parties += got.length;
    }
    expect(parties).toBeGreaterThan(0);
  }, 60_000);
});
