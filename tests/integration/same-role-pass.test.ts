// The resolution pass folds a name-only mention into the registered person who holds the same
// role at the same organisation, even under a name too common for the population-wide matcher;
// a near name goes to review; a steward's unmerge is respected.
import { beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { unmergePersons } from "../../integration/resolution/merge.js";
import { resolvePending } from "../../integration/resolution/pass.js";
import type { Db } from "../../prisma/db.js";
import { citizenId, ingestDrafts, personDraft } from "../support/drafts.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb((d) => {
  db = d;
});
beforeAll(async () => {
  // a name borne by more residents than the matcher compares (MENTION_POLICY.blockLimit)
  await ingestDrafts(
    db,
    "population",
    "public_security",
    Array.from({ length: 70 }, (_, i) => [
      `R${i}`,
      [
        personDraft("person", {
          citizenId: citizenId(`320602197001${String(i + 10).padStart(5, "0")}`),
          name: "钱有才",
        }),
      ],
    ]),
  );
});

const REP_ID = citizenId("32060219650303033");

/** A company record naming its legal representative, with an ID or by name only. */
const company = (key: string, uscc: string, name: string, rep: string, repId: string | null) =>
  [
    key,
    [
      personDraft("rep", { name: rep, ...(repId ? { citizenId: repId } : {}) }),
      {
        element: "ORGANISATION",
        ref: "org",
        name,
        uscc,
        kind: "ENTERPRISE",
        areaCode: "320602",
        members: [{ personRef: "rep", role: "LEGAL_REPRESENTATIVE" }],
      } as ElementDraft,
    ],
  ] as [string, ElementDraft[]];

const personOf = async (connectorId: string, sourceKey: string) =>
  db.entitySource.findFirstOrThrow({
    where: { ref: "rep", sourceRecord: { connectorId, sourceKey } },
    orderBy: { linkedAt: "desc" },
  });

describe("the same role at the same organisation", () => {
  it("merges the name-only representative into the one with an ID, queues a near name, respects an unmerge", async () => {
    await ingestDrafts(db, "market", "civil_affairs", [
      company("M1", "91110000600037341L", "南通有才商贸有限公司", "钱有才", REP_ID),
      company("M2", "91320602MA1MY3K697", "南通友才物流有限公司", "孙立", citizenId("32060219660404044")),
    ]);
    await ingestDrafts(db, "grid", "grid", [
      company("U1", "91110000600037341L", "有才商贸", "钱有才", null),
      company("U2", "91320602MA1MY3K697", "友才物流", "孙力", null),
    ]);
    const holder = (await db.person.findUniqueOrThrow({ where: { citizenId: REP_ID } })).id;
    const mention = (await personOf("grid", "U1")).entityId;
    expect(mention).not.toBe(holder);

    const outcome = await resolvePending(db);
    expect(outcome.sameRoleHolder).toBe(1);
    const folded = await personOf("grid", "U1");
    expect(folded).toMatchObject({ entityId: holder, method: "RESOLUTION_PASS" });
    const merge = await db.merge.findFirstOrThrow({ where: { mergedId: mention } });
    expect(merge).toMatchObject({ survivorId: holder, actor: "resolution-pass", method: "AUTOMATIC" });

    // 孙力 for 孙立: the same role, a near name, for a steward to decide
    const near = (await personOf("grid", "U2")).entityId;
    const sun = (await db.person.findUniqueOrThrow({ where: { citizenId: citizenId("32060219660404044") } }))
      .id;
    expect(
      await db.matchCandidate.findFirst({ where: { entityId: near, candidateId: sun, status: "OPEN" } }),
    ).not.toBeNull();

    // a second pass changes nothing
    expect(await resolvePending(db)).toMatchObject({ sameRoleHolder: 0, merged: 0 });

    // a steward undoes the merge: the pass does not merge them again
    await db.$transaction((tx) =>
      unmergePersons(tx, { mergeId: merge.id, actor: "steward", reason: "two people" }),
    );
    expect(await resolvePending(db)).toMatchObject({ sameRoleHolder: 0 });
    expect((await personOf("grid", "U1")).entityId).toBe(mention);
  });
});
