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

