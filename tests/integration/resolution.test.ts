// Entity resolution end to end: records ingested through the real ingest into a real database,
// matched probabilistically, queued for review, merged and unmerged through GraphQL over HTTP.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { createDb, type Db } from "../../prisma/db.js";
import { citizenId, ingestDrafts, personDraft, workOrderDraft } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";
import { cloneTemplate } from "../support/pg.js";

const ZHANG_QIANG = citizenId("32060219800101123");
const WANG_JIANGUO = citizenId("32060219750505201");
const LI_NA = citizenId("32060219900707302");

let hub: TestHub;
let steward: string;
let commander: string;
let community: string;

const ingest = ingestDrafts;
const person = personDraft;

/** A work order naming the person: what ties a caller to an area (jurisdiction). */
const matter = (key: string, personRef: string) => workOrderDraft(key, personRef, community);

const home = (text: string) => [{ kind: "RESIDENT" as const, text, areaCode: community }];

/** The registry: three people with valid IDs, phones and homes. */
async function seedRegistry(db: Db) {
  await ingest(db, "population", "public_security", [
    [
      "R1",
      [
        person("person", {
          citizenId: ZHANG_QIANG,
          name: "张强",
          phone: "13800000001",
          addresses: home("崇川区和平桥街道八一社区青年路1号2幢3单元401室"),
        }),
      ],
    ],
    [
      "R2",
      [
        person("person", {
          citizenId: WANG_JIANGUO,
          name: "王建国",
          phone: "13800000002",
          addresses: home("崇川区和平桥街道八一社区青年路5号1幢1单元101室"),
        }),
      ],
    ],
    [
      "R3",
      [
        person("person", {
          citizenId: LI_NA,
          name: "李娜",
          phone: "13800000003",
          addresses: home("崇川区和平桥街道八一社区青年路7号2幢2单元202室"),
        }),
      ],
    ],
  ]);
}

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ steward, commander } = await stewardAndCommander(hub));
  community = (
    await hub.db.area.findFirstOrThrow({ where: { level: "COMMUNITY" }, orderBy: { code: "asc" } })
  ).code;
  await seedRegistry(hub.db);
});
afterAll(async () => {
  await hub?.stop();
});

const personIdOf = async (db: Db, connectorId: string, sourceKey: string, ref: string) =>
  (
    await db.entitySource.findFirstOrThrow({
      where: { ref, sourceRecord: { connectorId, sourceKey } },
      orderBy: { linkedAt: "desc" },
    })
  ).entityId;

describe("probabilistic matching during ingest", () => {
  it("links a hotline caller with only a surname and a phone to the registry person, keeping score and reasons", async () => {
    await ingest(hub.db, "hotline", "hotline_12345", [
      ["T1", [person("caller", { name: "王先生", phone: "138-0000-0002" })]],
    ]);
    const link = await hub.db.entitySource.findFirstOrThrow({
      where: { ref: "caller", sourceRecord: { connectorId: "hotline", sourceKey: "T1" } },
    });
    const registry = await hub.db.person.findUniqueOrThrow({ where: { citizenId: WANG_JIANGUO } });
    expect(link.entityId).toBe(registry.id);
    expect(link.method).toBe("PROBABILISTIC");
    expect(link.score).toBeGreaterThanOrEqual(14);
    expect(link.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ feature: "phone", level: "EXACT" }),
        expect.objectContaining({ feature: "name", level: "SURNAME" }),
      ]),
    );
    // The registry's name stays the canonical one: public security outranks the hotline.
    expect(registry.name).toBe("王建国");
  });

  it("answers who says so for every attribute, with the conflict visible", async () => {
    const res = await hub.gql<{
      person: {
        attributes: {
          attribute: string;
          value: string;
          conflict: boolean;
          values: {
            value: string;
            chosen: boolean;
            sources: { connectorId: string; method: string; score: number | null }[];
          }[];
        }[];
      };
    }>(
      `query($id: String!) { person(citizenId: $id) { attributes { attribute value conflict
          values { value chosen sources { connectorId sourceKey departmentCode method score reasons { feature level weight } } } } } }`,
      { token: commander, variables: { id: WANG_JIANGUO } },
    );
    expect(res.errors).toBeUndefined();
    const name = res.data!.person.attributes.find((a) => a.attribute === "name")!;
    expect(name).toMatchObject({ value: "王建国", conflict: true });
    expect(
      name.values.map((v) => [v.value, v.chosen, v.sources[0]!.connectorId, v.sources[0]!.method]),
    ).toEqual([
      ["王建国", true, "population", "NEW"],
      ["王先生", false, "hotline", "PROBABILISTIC"],
    ]);
    const phone = res.data!.person.attributes.find((a) => a.attribute === "phone")!;
    expect(phone).toMatchObject({ value: "13800000002", conflict: false });
    expect(phone.values[0]!.sources.map((s) => s.connectorId).sort()).toEqual(["hotline", "population"]);
  });

  it("masks claimed values like the fields they assert, and drops the ones the caller may not see", async () => {
    const analyst = await hub.token({ roles: ["analyst"], areas: ["320600"], purpose: "STATISTICS" });
    const { id } = await hub.db.person.findFirstOrThrow({ where: { citizenId: WANG_JIANGUO } });
    const res = await hub.gql<{ node: { attributes: { attribute: string; value: string }[] } | null }>(
      `query($id: ID!) { node(id: $id) { ... on Person { attributes { attribute value } } } }`,
      { token: analyst, variables: { id: Buffer.from(`Person:${id}`).toString("base64") } },
    );
    expect(res.errors).toBeUndefined();
    const values = Object.fromEntries(res.data!.node!.attributes.map((a) => [a.attribute, a.value]));
    expect(values.name).toBe("王**");
    expect(values.phone).toBe("138****0002");
    // The citizen ID is sensitive: an analyst is refused it, so its claims are not listed at all.
    expect(Object.keys(values)).not.toContain("citizenId");
  });

  it("knows a dispute's mediator as the grid's worker by post and name", async () => {
    const grid = (await hub.db.area.findFirstOrThrow({ where: { level: "GRID" }, orderBy: { code: "asc" } }))
      .code;
    const post = [{ role: "GRID_WORKER" as const, areaCode: grid }];
    await ingest(hub.db, "grid", "grid", [
      ["gridWorkers:W1", [person("worker", { name: "周平", phone: "13900000001", posts: post })]],
      ["disputes:D1", [person("mediator", { name: "周平", posts: post })]],
      ["disputes:D2", [person("mediator", { name: "吴刚", posts: post })]],
    ]);
    const worker = await personIdOf(hub.db, "grid", "gridWorkers:W1", "worker");
    expect(await personIdOf(hub.db, "grid", "disputes:D1", "mediator")).toBe(worker);
    expect(await personIdOf(hub.db, "grid", "disputes:D2", "mediator")).not.toBe(worker);
    const res = await hub.gql<{ node: { posts: { role: string; area: { code: string } }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on Person { posts { role area { code } } } } }`,
      { token: commander, variables: { id: Buffer.from(`Person:${worker}`).toString("base64") } },
    );
    expect(res.data!.node.posts).toEqual([{ role: "GRID_WORKER", area: { code: grid } }]);
  });

  it("knows an organisation by the name a caller gives it, and keeps same-named ones apart", async () => {
    const org = (ref: string, name: string, uscc?: string) =>
      ({ element: "ORGANISATION", ref, name, kind: uscc ? "ENTERPRISE" : "OTHER", uscc }) as ElementDraft;
    await ingest(hub.db, "grid", "grid", [
      ["units:U1", [org("unit", "南通市崇川区顺达物流有限公司", "91320602MA1MY3K697")]],
      ["units:U2", [org("unit", "南通市崇川区恒通物业有限公司")]],
      ["units:U3", [org("unit", "南通恒通物业有限公司")]],
    ]);
    await ingest(hub.db, "hotline", "hotline_12345", [
      ["T9", [org("target", "崇川区顺达物流公司")]],
      ["T10", [org("target", "恒通物业公司")]],
    ]);
    const orgOf = async (connectorId: string, sourceKey: string, ref: string) =>
      (
        await hub.db.entitySource.findFirstOrThrow({
          where: { ref, sourceRecord: { connectorId, sourceKey } },
        })
      ).entityId;
    const target = await hub.db.entitySource.findFirstOrThrow({
      where: { ref: "target", sourceRecord: { connectorId: "hotline", sourceKey: "T9" } },
    });
    expect(target.entityId).toBe(await orgOf("grid", "units:U1", "unit"));
    expect(target.method).toBe("NAME_KEY");
    // The caller's wording does not rename the registered organisation.
    expect((await hub.db.organisation.findUniqueOrThrow({ where: { id: target.entityId } })).name).toBe(
      "南通市崇川区顺达物流有限公司",
    );
    // Two units registered without codes stay two, even under one key; a mention of that key
    // has no registered organisation to join.
    await ingest(hub.db, "grid", "grid", [["units:U4", [org("unit", "江苏恒通物业有限公司")]]]);
    const u3 = await orgOf("grid", "units:U3", "unit");
    expect(await orgOf("grid", "units:U4", "unit")).not.toBe(u3);
    const t10 = await orgOf("hotline", "T10", "target");
    expect([await orgOf("grid", "units:U2", "unit"), u3]).not.toContain(t10);
  });

  it("keeps a person with a different valid ID apart, whatever else agrees", async () => {
    const other = citizenId("32060219800101456");
    await ingest(hub.db, "civil", "civil_affairs", [
      ["C1", [person("applicant", { citizenId: other, name: "张强", phone: "13800000001" })]],
    ]);
    const id = await personIdOf(hub.db, "civil", "C1", "applicant");
    expect(id).not.toBe((await hub.db.person.findUniqueOrThrow({ where: { citizenId: ZHANG_QIANG } })).id);
  });
});

describe("the review queue, merge and unmerge", () => {
  let pairId: string;
  let newPersonId: string;
  let registryId: string;

  it("queues a caller who shares a phone with a registry person but not the name", async () => {
    // A relative calling from 李娜's phone, or 李娜 under another name: the matcher will not decide.
    await ingest(hub.db, "hotline", "hotline_12345", [
      [
        "T2",
        [person("caller", { name: "刘芳", sex: "FEMALE", phone: "13800000003" }), matter("T2", "caller")],
      ],
    ]);
    newPersonId = await personIdOf(hub.db, "hotline", "T2", "caller");
    registryId = (await hub.db.person.findUniqueOrThrow({ where: { citizenId: LI_NA } })).id;
    expect(newPersonId).not.toBe(registryId);

    const res = await hub.gql<{
      reviewQueue: {
        totalCount: number;
        edges: {
          node: {
            id: string;
            score: number;
            status: string;
            person: { id: string };
            candidate: { id: string };
            reasons: { feature: string; level: string }[];
          };
        }[];
      };
    }>(
      `{ reviewQueue(first: 10) { totalCount edges { node { id score status person { id } candidate { id }
          reasons { feature level weight } } } } }`,
      { token: steward },
    );
    expect(res.errors).toBeUndefined();
    const pair = res.data!.reviewQueue.edges.find((e) => e.node.candidate.id.length > 0)!.node;
    expect(res.data!.reviewQueue.totalCount).toBe(1);
    expect(pair.status).toBe("OPEN");
    expect(pair.score).toBeGreaterThanOrEqual(7);
    expect(pair.score).toBeLessThan(14);
    expect(pair.reasons).toEqual(
      expect.arrayContaining([
        { feature: "phone", level: "EXACT", weight: expect.any(Number) },
        { feature: "name", level: "DIFFERENT", weight: expect.any(Number) },
      ]),
    );
    pairId = pair.id;
  });

  it("answers malformed or unknown ids with a clear error", async () => {
    const bad = await hub.gql(
      `mutation { decideMatch(id: "42", verdict: SAME, reason: "核实后确认") { id } }`,
      {
        token: steward,
      },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    const unknown = await hub.gql(
      `mutation { unmergePersons(mergeId: "00000000-0000-4000-8000-000000000000", reason: "核实后撤销") { id } }`,
      { token: steward },
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND" });
    const badPerson = await hub.gql(
      `mutation { mergePersons(survivorId: "bm90LWEtcGVyc29u", mergedId: "bm90LWEtcGVyc29u", reason: "核实后合并") { id } }`,
      { token: steward },
    );
    expect(badPerson.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badNode = await hub.gql(`{ node(id: "%%%") { id } }`, { token: steward });
    expect(badNode.errors?.[0]).toMatchObject({
      message: expect.stringContaining("not a global ID"),
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("is for data stewards only, and a verdict needs a reason", async () => {
    const denied = await hub.gql(`{ reviewQueue(first: 1) { totalCount } }`, { token: commander });
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const noReason = await hub.gql(
      `mutation($id: ID!) { decideMatch(id: $id, verdict: SAME, reason: "") { id } }`,
      {
        token: steward,
        variables: { id: pairId },
      },
    );
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "reason" });
  });

  let mergeId: string;
  it("merges on SAME: sources, events and values move to the candidate, audited", async () => {
    const res = await hub.gql<{ decideMatch: { status: string; decidedBy: string } }>(
      `mutation($id: ID!) { decideMatch(id: $id, verdict: SAME, reason: "回访确认为本人") { status decidedBy } }`,
      { token: steward, variables: { id: pairId } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.decideMatch).toMatchObject({ status: "MERGED", decidedBy: "test-data_steward" });
    expect(await hub.db.person.findUnique({ where: { id: newPersonId } })).toBeNull();
    expect(await personIdOf(hub.db, "hotline", "T2", "caller")).toBe(registryId);

    const merges = await hub.db.merge.findMany({ where: { survivorId: registryId } });
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({
      mergedId: newPersonId,
      method: "REVIEW",
      actor: "test-data_steward",
      reason: "回访确认为本人",
    });
    mergeId = merges[0]!.id;

    const after = await hub.gql<{ person: { name: string; merges: { id: string; method: string }[] } }>(
      `query($id: String!) { person(citizenId: $id) { name merges { id method reason actor } } }`,
      { token: steward, variables: { id: LI_NA } },
    );
    expect(after.data!.person).toMatchObject({ name: "李娜", merges: [{ id: mergeId, method: "REVIEW" }] });
  });

  it("unmerges: the same person comes back with its id and sources, and the pair is open again", async () => {
    const res = await hub.gql<{ unmergePersons: { undoneBy: string; undoReason: string } }>(
      `mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "家属代为来电，非本人") { undoneAt undoneBy undoReason } }`,
      { token: steward, variables: { id: mergeId } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.unmergePersons).toMatchObject({
      undoneBy: "test-data_steward",
      undoReason: "家属代为来电，非本人",
    });
    const back = await hub.db.person.findUniqueOrThrow({ where: { id: newPersonId } });
    expect(back).toMatchObject({ name: "刘芳", phone: "13800000003", citizenId: null });
    expect(await personIdOf(hub.db, "hotline", "T2", "caller")).toBe(newPersonId);
    expect((await hub.db.person.findUniqueOrThrow({ where: { id: registryId } })).name).toBe("李娜");
    expect((await hub.db.matchCandidate.findUniqueOrThrow({ where: { id: pairId } })).status).toBe("OPEN");

    const again = await hub.gql(
      `mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "再次撤销") { id } }`,
      {
        token: steward,
        variables: { id: mergeId },
      },
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "NOT_REVERSIBLE" });
  });

  it("marks a pair DISTINCT, and refuses to merge two different valid IDs", async () => {
    const distinct = await hub.gql<{ decideMatch: { status: string } }>(
      `mutation($id: ID!) { decideMatch(id: $id, verdict: DISTINCT, reason: "家属，不是同一人") { status } }`,
      { token: steward, variables: { id: pairId } },
    );
    expect(distinct.data!.decideMatch.status).toBe("DISTINCT");

    const ids = await hub.gql<{ a: { id: string }; b: { id: string } }>(
      `query($a: String!, $b: String!) { a: person(citizenId: $a) { id } b: person(citizenId: $b) { id } }`,
      { token: steward, variables: { a: ZHANG_QIANG, b: WANG_JIANGUO } },
    );
    const refused = await hub.gql(
      `mutation($s: ID!, $m: ID!) { mergePersons(survivorId: $s, mergedId: $m, reason: "误操作测试") { id } }`,
      { token: steward, variables: { s: ids.data!.a.id, m: ids.data!.b.id } },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "MERGE_CONFLICT",
    });
    expect(refused.errors?.[0]?.message).toMatch(/two different valid citizen IDs/);
  });

  it("merges two persons by hand and undoes it exactly", async () => {
    await ingest(hub.db, "petition", "petition", [
      [
        "P1",
        [
          person("petitioner", {
            name: "赵敏",
            phone: "13900000009",
            addresses: home("崇川区和平桥街道八一社区青年路9号101室"),
          }),
        ],
      ],
      ["P2", [person("petitioner", { name: "赵小敏", phone: "13900000010" }), matter("P2", "petitioner")]],
    ]);
    const a = await personIdOf(hub.db, "petition", "P1", "petitioner");
    const b = await personIdOf(hub.db, "petition", "P2", "petitioner");
    expect(a).not.toBe(b);
    const global = (id: string) => Buffer.from(`Person:${id}`).toString("base64");
    const merged = await hub.gql<{ mergePersons: { id: string; survivor: { id: string }; method: string } }>(
      `mutation($s: ID!, $m: ID!) { mergePersons(survivorId: $s, mergedId: $m, reason: "同一信访人曾用名") { id method survivor { id } } }`,
      { token: steward, variables: { s: global(a), m: global(b) } },
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergePersons.method).toBe("MANUAL");
    expect(await personIdOf(hub.db, "petition", "P2", "petitioner")).toBe(a);
    const survivor = await hub.db.person.findUniqueOrThrow({ where: { id: a } });
    expect(survivor.name).toBe("赵敏");

    await hub.gql(`mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "核实为两人") { id } }`, {
      token: steward,
      variables: { id: merged.data!.mergePersons.id },
    });
    expect(await personIdOf(hub.db, "petition", "P2", "petitioner")).toBe(b);
    expect(await hub.db.person.findUniqueOrThrow({ where: { id: b } })).toMatchObject({
      name: "赵小敏",
      phone: "13900000010",
    });
    expect(await hub.db.personAddress.count({ where: { personId: a } })).toBe(1);
    expect(await hub.db.personAddress.count({ where: { personId: b } })).toBe(0);
    expect(await hub.db.eventPerson.count({ where: { personId: b } })).toBe(1);
    expect(await hub.db.eventPerson.count({ where: { personId: a } })).toBe(0);
  });
});

describe("incremental and deterministic", () => {
  /** The clusters as sets of source elements, independent of generated ids. */
  async function clusters(db: Db): Promise<string[]> {
    const links = await db.entitySource.findMany({
      where: { entityType: "PERSON" },
      include: { sourceRecord: { select: { connectorId: true, sourceKey: true } } },
    });
    const byPerson = new Map<string, string[]>();
    for (const l of links)
      byPerson.set(l.entityId, [
        ...(byPerson.get(l.entityId) ?? []),
        `${l.sourceRecord.connectorId}/${l.sourceRecord.sourceKey}/${l.ref}`,
      ]);
    return [...byPerson.values()].map((members) => members.sort().join(" ")).sort();
  }

  const batch: [string, string, [string, ElementDraft[]][]][] = [
    [
      "hotline",
      "hotline_12345",
      [
        ["H1", [person("caller", { name: "陈女士", phone: "13700000001" })]],
        ["H2", [person("caller", { name: "陈静", phone: "13700000001" })]],
        ["H3", [person("caller", { name: "陈静", phone: "13700000002" })]],
      ],
    ],
    [
      "population",
      "public_security",
      [
        [
          "Q1",
          [
            person("person", {
              citizenId: citizenId("32060219850303401"),
              name: "陈静",
              sex: "FEMALE",
              phone: "13700000001",
            }),
          ],
        ],
      ],
    ],
    [
      "petition",
      "petition",
      [["Q2", [person("petitioner", { name: "陈晶", phone: "13700000001", birthDate: "1985-03-03" })]]],
    ],
  ];

  it("gives the same clusters for the same inputs, and a new record joins without recomputing the rest", async () => {
    const results: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
      const db = createDb({ url: database.url, poolMax: 2 });
      try {
        for (const [connector, department, records] of batch)
          await ingest(db, connector, department, records);
        results.push(await clusters(db));
        if (run === 0) {
          const before = await db.person.findMany({
            select: { id: true, updatedAt: true },
            orderBy: { id: "asc" },
          });
          await ingest(db, "hotline", "hotline_12345", [
            ["H4", [person("caller", { name: "陈静", phone: "137 0000 0001" })]],
          ]);
          const after = await db.person.findMany({
            select: { id: true, updatedAt: true },
            orderBy: { id: "asc" },
          });
          // The caller joined the existing 陈静; no other person was touched.
          expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
          const changed = after.filter((p, i) => p.updatedAt.getTime() !== before[i]!.updatedAt.getTime());
          expect(changed).toHaveLength(1);
          expect(await personIdOf(db, "hotline", "H4", "caller")).toBe(changed[0]!.id);
        }
      } finally {
        await db.$disconnect();
        await database.drop();
      }
    }
    expect(results[1]).toEqual(results[0]);
    // 陈女士 and 陈静 on one phone, the registry's 陈静 and the petitioner 陈晶 (homophone, same
    // birth date) are one person; 陈静 on another phone with nothing else is kept apart.
    expect(results[0]).toHaveLength(2);
  });
});
