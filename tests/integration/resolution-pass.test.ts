// The resolution pass end to end: persons that silos name without a trustworthy key, ingested
// before or after the registry through the real ingest, resolved against the whole population by
// the pass (over GraphQL, as a steward runs it, and by the scheduler a running hub uses), audited,
// undone by a steward, and never merged again after that.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { PASS_ACTOR } from "../../integration/resolution/pass.js";
import { ResolutionScheduler } from "../../integration/resolution/scheduler.js";
import { citizenId, ingestDrafts, personDraft, twoCommunities, workOrderDraft } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";

let hub: TestHub;
let steward: string;
let commander: string;
/** Two communities of different streets. */
let near: string;
let far: string;

const ZHANG_WEI = citizenId("32060219800101123");
const LI_JING_NEAR = citizenId("32060219850202224");
const LI_JING_FAR = citizenId("32060219860303226");
const ZHAO_LEI_CHILD = citizenId("32060220150601331");
const ZHAO_LEI_ADULT = citizenId("32060219700302333");
const WANG_FANG_1 = citizenId("32060219790404442");
const WANG_FANG_2 = citizenId("32060219810505444");

const home = (areaCode: string, room: string) => [
  { kind: "RESIDENT" as const, text: `崇川区和平桥街道青年路${room}室`, areaCode },
];

/** A registered unit in the `near` community and its representative, named only. */
const unit = (key: string, name: string, representative: string, uscc: string): [string, ElementDraft[]] => [
  key,
  [
    personDraft("legalRepresentative", { name: representative }),
    {
      element: "ORGANISATION",
      ref: "unit",
      name,
      uscc,
      kind: "ENTERPRISE",
      areaCode: near,
      members: [{ personRef: "legalRepresentative", role: "LEGAL_REPRESENTATIVE" }],
    } as ElementDraft,
  ],
];

const workOrder = (key: string, caller: string, areaCode: string): [string, ElementDraft[]] => [
  key,
  [personDraft("caller", { name: caller }), workOrderDraft(key, "caller", areaCode)],
];

const entityOf = async (connectorId: string, sourceKey: string, ref: string) =>
  hub.db.entitySource.findFirstOrThrow({ where: { ref, sourceRecord: { connectorId, sourceKey } } });
const registered = async (id: string) =>
  (await hub.db.person.findUniqueOrThrow({ where: { citizenId: id } })).id;

interface PassResult {
  runResolutionPass: { mentions: number; merged: number; reviews: number; sameRepresentative: number };
}
const runPass = () =>
  hub.gql<PassResult>(`mutation { runResolutionPass { mentions merged reviews sameRepresentative } }`, {
    token: steward,
  });

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ steward, commander } = await stewardAndCommander(hub));
  ({ near, far } = await twoCommunities(hub.db));

  // the grid registers units before the registry is loaded: their representatives are names only
  await ingestDrafts(hub.db, "grid", "grid", [
    unit("units:U1", "南通市崇川区恒通物业有限公司", "张伟", "91320602MA1MY3K697"),
    unit("units:U2", "南通市崇川区顺达物流有限公司", "赵磊", "91320602MA1N0R2K8X"),
    unit("units:U3", "南通市崇川区和美家政有限公司", "王芳", "91320602MA1P7GQ45U"),
  ]);
  await ingestDrafts(hub.db, "population", "public_security", [
    ["R1", [personDraft("person", { citizenId: ZHANG_WEI, name: "张伟", addresses: home(near, "1号101") })]],
    [
      "R2",
      [personDraft("person", { citizenId: LI_JING_NEAR, name: "李静", addresses: home(near, "2号202") })],
    ],
    ["R3", [personDraft("person", { citizenId: LI_JING_FAR, name: "李静", addresses: home(far, "3号303") })]],
    [
      "R4",
      [personDraft("person", { citizenId: ZHAO_LEI_CHILD, name: "赵磊", addresses: home(near, "4号404") })],
    ],
    [
      "R5",
      [personDraft("person", { citizenId: ZHAO_LEI_ADULT, name: "赵磊", addresses: home(far, "5号505") })],
    ],
    ["R6", [personDraft("person", { citizenId: WANG_FANG_1, name: "王芳", addresses: home(far, "6号606") })]],
    ["R7", [personDraft("person", { citizenId: WANG_FANG_2, name: "王芳", addresses: home(far, "7号707") })]],
  ]);
  // the civil-affairs register names 恒通's representative too; a caller names herself only
  await ingestDrafts(hub.db, "civil", "civil_affairs", [
    unit("social:S1", "南通市崇川区恒通物业有限公司", "张伟", "91320602MA1MY3K697"),
  ]);
  await ingestDrafts(hub.db, "hotline", "hotline_12345", [workOrder("T1", "李静", near)]);
});
afterAll(async () => {
  await hub?.stop();
});

describe("the resolution pass", () => {
  it("is for data stewards only", async () => {
    const denied = await hub.gql(`mutation { runResolutionPass { merged } }`, { token: commander });
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("leaves name-only mentions alone during ingest: the population is not known yet", async () => {
    expect((await entityOf("grid", "units:U1", "legalRepresentative")).entityId).not.toBe(
      await registered(ZHANG_WEI),
    );
    expect((await entityOf("hotline", "T1", "caller")).method).toBe("NEW");
  });

  it("merges each mention into the one resident it clearly is, with score and reasons", async () => {
    const res = await runPass();
    expect(res.errors).toBeUndefined();
    const outcome = res.data!.runResolutionPass;
    // 恒通's representative as two sources name him, folded into one first
    expect(outcome.sameRepresentative).toBe(1);
    expect(outcome.merged).toBe(2);

    const zhang = await entityOf("grid", "units:U1", "legalRepresentative");
    expect(zhang.entityId).toBe(await registered(ZHANG_WEI));
    expect((await entityOf("civil", "social:S1", "legalRepresentative")).entityId).toBe(zhang.entityId);
    expect(zhang.method).toBe("RESOLUTION_PASS");
    expect(zhang.reasons).toContainEqual(expect.objectContaining({ feature: "name", level: "EXACT" }));

    // two residents named 李静: the one living where the caller's work order is
    const caller = await entityOf("hotline", "T1", "caller");
    expect(caller.entityId).toBe(await registered(LI_JING_NEAR));
    expect(caller.reasons).toContainEqual(
      expect.objectContaining({ feature: "place", level: "EVENT_COMMUNITY" }),
    );

    // two residents named 赵磊, one a child: a company's legal representative is likely the
    // adult, but a name and an age are not enough to merge: a steward decides
    const zhao = await entityOf("grid", "units:U2", "legalRepresentative");
    expect(zhao.entityId).not.toBe(await registered(ZHAO_LEI_ADULT));
    const pair = await hub.db.matchCandidate.findFirstOrThrow({ where: { entityId: zhao.entityId } });
    expect(pair).toMatchObject({ candidateId: await registered(ZHAO_LEI_ADULT), status: "OPEN" });
    expect(pair.reasons).toContainEqual(expect.objectContaining({ feature: "age", level: "ADULT" }));
    expect(outcome.reviews).toBe(1);

    // two adult 王芳 and nothing to tell them apart: left as it is, not even for review
    const wang = await entityOf("grid", "units:U3", "legalRepresentative");
    expect([await registered(WANG_FANG_1), await registered(WANG_FANG_2)]).not.toContain(wang.entityId);
    expect(await hub.db.person.findUnique({ where: { id: wang.entityId } })).not.toBeNull();

    // audited like a steward's merge
    const merges = await hub.db.merge.findMany({ where: { actor: PASS_ACTOR } });
    expect(merges).toHaveLength(3);
    expect(merges.every((m) => m.method === "AUTOMATIC" && m.reason.startsWith("resolution pass"))).toBe(
      true,
    );
  });

  it("changes nothing when run again over the same graph", async () => {
    const before = await hub.db.person.count();
    const res = await runPass();
    expect(res.data!.runResolutionPass).toMatchObject({ merged: 0, reviews: 0, sameRepresentative: 0 });
    expect(await hub.db.person.count()).toBe(before);
  });

  it("is undone by unmergePersons, the link as it was, and does not merge that pair again", async () => {
    const survivor = await registered(LI_JING_NEAR);
    const merge = await hub.db.merge.findFirstOrThrow({ where: { actor: PASS_ACTOR, survivorId: survivor } });
    const undo = await hub.gql<{ unmergePersons: { undoneBy: string } }>(
      `mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "来电人非本人，核实后撤销") { undoneBy } }`,
      { token: steward, variables: { id: merge.id } },
    );
    expect(undo.errors).toBeUndefined();
    const caller = await entityOf("hotline", "T1", "caller");
    expect(caller.entityId).toBe(merge.mergedId);
    expect(caller.method).toBe("NEW");
    expect(caller.score).toBeNull();

    // the steward has ruled on this caller: the other 李静 is at most proposed for review
    const again = await runPass();
    expect(again.data!.runResolutionPass.merged).toBe(0);
    expect((await entityOf("hotline", "T1", "caller")).entityId).toBe(merge.mergedId);
    const proposed = await hub.db.matchCandidate.findMany({ where: { entityId: merge.mergedId } });
    expect(proposed.map((p) => p.candidateId)).not.toContain(survivor);
  });

  it("does not fold again two representatives a steward took apart", async () => {
    const unmerge = (id: string) =>
      hub.gql(`mutation($id: ID!) { unmergePersons(mergeId: $id, reason: "核实为两人，撤销合并") { id } }`, {
        token: steward,
        variables: { id },
      });
    // 恒通's representative: folded (two mentions), then merged into 张伟; undone in reverse order
    const intoRegistry = await hub.db.merge.findFirstOrThrow({
      where: { actor: PASS_ACTOR, survivorId: await registered(ZHANG_WEI), undoneAt: null },
    });
    const first = await unmerge(intoRegistry.id);
    expect(first.errors).toBeUndefined();
    const fold = await hub.db.merge.findFirstOrThrow({
      where: { actor: PASS_ACTOR, survivorId: intoRegistry.mergedId, undoneAt: null },
    });
    expect((await unmerge(fold.id)).errors).toBeUndefined();

    const again = await runPass();
    expect(again.data!.runResolutionPass).toMatchObject({ sameRepresentative: 0, merged: 0 });
    const grid = (await entityOf("grid", "units:U1", "legalRepresentative")).entityId;
    const civil = (await entityOf("civil", "social:S1", "legalRepresentative")).entityId;
    expect(grid).not.toBe(civil);
    expect([grid, civil]).not.toContain(await registered(ZHANG_WEI));
  });

  it("runs after a sync that brought records, once it is over, once for requests that come together", async () => {
    await ingestDrafts(hub.db, "hotline", "hotline_12345", [workOrder("T2", "张伟", near)]);
    let syncing = true;
    const scheduler = new ResolutionScheduler(hub.db, { delayMs: 20, idle: () => !syncing });
    scheduler.request();
    scheduler.request();
    // not while a sync is writing persons
    await new Promise((r) => setTimeout(r, 100));
    expect(scheduler.last).toBeNull();
    syncing = false;
    await new Promise((r) => setTimeout(r, 150));
    await scheduler.stop();
    expect(scheduler.last?.merged).toBe(1);
    expect((await entityOf("hotline", "T2", "caller")).entityId).toBe(await registered(ZHANG_WEI));
  });
});
