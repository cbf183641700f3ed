// Reads never fail while merges run: a relation is loaded in two statements (link rows, then the
// rows they name), and a merge may commit between them. The link resolves to the survivor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergePersons, unmergePersons } from "../../integration/resolution/merge.js";
import { createMergedLoaders } from "../../resolvers/merged.js";
import { citizenId, ingestDrafts, personDraft } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";

let hub: TestHub;
let commander: string;

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ commander } = await stewardAndCommander(hub));
});
afterAll(async () => {
  await hub?.stop();
});

const idOf = async (sourceKey: string, ref: string) =>
  (await hub.db.entitySource.findFirstOrThrow({ where: { ref, sourceRecord: { sourceKey } } })).entityId;

describe("a link to a merged element", () => {
  it("resolves to the survivor, through a chain of merges, and to nothing once undone", async () => {
    await ingestDrafts(hub.db, "chain", "grid", [
      ["A", [personDraft("p", { name: "甲某" })]],
      ["B", [personDraft("p", { name: "甲某" })]],
      ["C", [personDraft("p", { name: "甲某", citizenId: citizenId("32060219700101001") })]],
    ]);
    const [a, b, c] = [await idOf("A", "p"), await idOf("B", "p"), await idOf("C", "p")];
    const merge = (survivorId: string, mergedId: string) =>
      hub.db.$transaction((tx) =>
        mergePersons(tx, { survivorId, mergedId, actor: "t", reason: "t", method: "MANUAL" }),
      );
    await merge(b, a);
    const second = await merge(c, b);
    const fresh = () => createMergedLoaders(hub.db).survivingPersons;
    expect((await fresh().loadMany([a, b, c])).map((p) => (p as { id: string } | null)?.id)).toEqual([
      c,
      c,
      c,
    ]);
    await hub.db.$transaction((tx) => unmergePersons(tx, { mergeId: second, actor: "t", reason: "t" }));
    expect((await fresh().load(a))?.id).toBe(b);
  });
});

describe("reading while merges commit", () => {
  it("lists organisations with their members' persons without an error", async () => {
    const community = (
      await hub.db.area.findFirstOrThrow({ where: { level: "COMMUNITY" }, orderBy: { code: "asc" } })
    ).code;
    // a company whose legal representative two records name: by name only, and with an ID
    const rep = (key: string, id: string | null) =>
      [
        key,
        [
          personDraft("rep", { name: "钱有才", ...(id ? { citizenId: id } : {}) }),
          {
            element: "ORGANISATION",
            ref: "org",
            name: "南通有才商贸有限公司",
            uscc: "91110000600037341L",
            kind: "ENTERPRISE",
            areaCode: community,
            members: [{ personRef: "rep", role: "LEGAL_REPRESENTATIVE" }],
          },
        ],
      ] as Parameters<typeof ingestDrafts>[3][number];
    await ingestDrafts(hub.db, "market", "grid", [
      rep("M1", citizenId("32060219700202002")),
      rep("M2", null),
    ]);
    const survivor = await idOf("M1", "rep");
    const mention = await idOf("M2", "rep");
    expect(survivor).not.toBe(mention);

    let running = true;
    const merging = (async () => {
      for (let i = 0; i < 40; i++) {
        const mergeId = await hub.db.$transaction((tx) =>
          mergePersons(tx, {
            survivorId: survivor,
            mergedId: mention,
            actor: "t",
            reason: "t",
            method: "MANUAL",
          }),
        );
        await hub.db.$transaction((tx) => unmergePersons(tx, { mergeId, actor: "t", reason: "t" }));
      }
      running = false;
    })();
    const errors: unknown[] = [];
    let reads = 0;
    while (running) {
      const r = await hub.gql<{
        organisations: { edges: { node: { members: { person: { id: string } }[] } }[] };
      }>(
        `{ organisations(filter: { nameContains: "有才商贸" }) { edges { node { members { role person { id name } } } } } }`,
        { token: commander },
      );
      reads++;
      if (r.errors) errors.push(...r.errors);
      for (const e of r.data?.organisations.edges ?? [])
        for (const m of e.node.members) expect([survivor, mention]).toContain(hubId(m.person.id));
    }
    await merging;
    expect(reads).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});

/** The database id inside a Relay global id ("Person:<uuid>", base64). */
function hubId(globalId: string): string {
  return Buffer.from(globalId, "base64").toString("utf8").split(":").at(-1)!;
}
