// Organisations merge and unmerge like persons: everything moves to the survivor, audited, and
// unmerge restores exactly what was there (rows, columns, sources, members, events).
import { describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import {
  mergeOrganisations,
  mergeOrganisationsMany,
  unmergeOrganisations,
} from "../../integration/resolution/merge-organisations.js";
import type { Db } from "../../prisma/db.js";
import { ingestDrafts, personDraft, ticketDraft } from "../support/drafts.js";
import { useTemplateDb } from "../support/template-db.js";

let db: Db;
useTemplateDb((d) => {
  db = d;
});

const org = (fields: Record<string, unknown>): ElementDraft =>
  ({ element: "ORGANISATION", ref: "org", kind: "ENTERPRISE", ...fields }) as ElementDraft;

/** Everything an organisation is: its row, its links and relations. */
async function stateOf(id: string) {
  const row = await db.organisation.findUnique({ where: { id } });
  return {
    row: row && { ...row, updatedAt: null },
    sources: (await db.entitySource.findMany({ where: { entityId: id } }))
      .map((s) => `${s.sourceRecordId}|${s.ref}|${s.method}`)
      .sort(),
    members: (await db.personOrganisation.findMany({ where: { organisationId: id } }))
      .map((m) => `${m.personId}|${m.role}`)
      .sort(),
    events: (await db.eventOrganisation.findMany({ where: { organisationId: id } }))
      .map((e) => `${e.eventId}|${e.role}`)
      .sort(),
  };
}

describe("merging organisations", () => {
  it("moves everything to the survivor and unmerge restores both exactly", async () => {
    await ingestDrafts(db, "civil", "civil_affairs", [
      [
        "S1",
        [
          personDraft("rep", { name: "吴正", citizenId: null }),
          org({
            name: "南通市崇川区和顺养老服务中心",
            uscc: "91110000600037341L",
            areaCode: "320602",
            registeredOn: "2010-01-01",
            status: "ACTIVE",
            members: [{ personRef: "rep", role: "LEGAL_REPRESENTATIVE" }],
          }),
        ],
      ],
    ]);
    // the grid knows it under another name, without a code, placed nowhere it can find, with a phone
    await ingestDrafts(db, "grid", "grid", [
      [
        "U1",
        [
          personDraft("worker", { name: "郑一" }),
          org({
            name: "和顺养老院",
            phone: "13962900001",
            status: "DEREGISTERED",
            areaCode: "320612",
            members: [{ personRef: "worker", role: "EMPLOYEE" }],
          }),
          {
            element: "EVENT",
            ref: "event",
            kind: "GRID_REPORT",
            title: "巡查",
            occurredAt: "2026-11-01T08:00:00Z",
            reportedAt: "2026-11-01T08:05:00Z",
            areaCode: "320612",
            status: "REPORTED",
            persons: [],
            organisations: [{ ref: "org", role: "SUBJECT" }],
          } as ElementDraft,
        ],
      ],
    ]);
    const survivorId = (await db.organisation.findUniqueOrThrow({ where: { uscc: "91110000600037341L" } }))
      .id;
    const mergedId = (await db.organisation.findFirstOrThrow({ where: { name: "和顺养老院" } })).id;
    const before = [await stateOf(survivorId), await stateOf(mergedId)];

    const mergeId = await db.$transaction((tx) =>
      mergeOrganisations(tx, {
        survivorId,
        mergedId,
        actor: "steward",
        reason: "同一机构",
        method: "MANUAL",
      }),
    );
    const merged = await stateOf(survivorId);
    expect(await db.organisation.findUnique({ where: { id: mergedId } })).toBeNull();
    expect(merged.sources).toHaveLength(2);
    expect(merged.members).toHaveLength(2);
    expect(merged.events).toHaveLength(1);
    // the registry's status stands, the only phone is the grid's
    expect(merged.row).toMatchObject({
      status: "ACTIVE",
      phone: "13962900001",
      name: "南通市崇川区和顺养老服务中心",
    });
    expect(await db.merge.findUniqueOrThrow({ where: { id: mergeId } })).toMatchObject({
      entityType: "ORGANISATION",
      survivorId,
      mergedId,
      actor: "steward",
    });
    // two valid codes are two organisations
    await expect(
      db.$transaction(async (tx) => {
        const other = await tx.organisation.create({
          data: { name: "另一家", uscc: "91320602MA1MY3K697", usccValid: true },
        });
        await mergeOrganisations(tx, {
          survivorId,
          mergedId: other.id,
          actor: "s",
          reason: "x",
          method: "MANUAL",
        });
      }),
    ).rejects.toThrow(/two different valid credit codes/);

    await db.$transaction((tx) =>
      unmergeOrganisations(tx, { mergeId, actor: "steward", reason: "两家机构" }),
    );
    expect([await stateOf(survivorId), await stateOf(mergedId)]).toEqual(before);
    expect((await db.merge.findUniqueOrThrow({ where: { id: mergeId } })).undoneBy).toBe("steward");
    await expect(
      db.$transaction((tx) => unmergeOrganisations(tx, { mergeId, actor: "steward", reason: "again" })),
    ).rejects.toThrow(/already undone/);
  });

  it("merges many into one survivor in rounds, each merge undone exactly, newest first", async () => {
    const event = (key: string) =>
      ticketDraft(key, "320602", { organisations: [{ ref: "org", role: "TARGET" }] });
    await ingestDrafts(db, "grid", "grid", [
      [
        "U9",
        [
          personDraft("rep", { name: "钱多" }),
          org({
            name: "南通市崇川区宏盛建材经营部",
            areaCode: "320602",
            members: [{ personRef: "rep", role: "LEGAL_REPRESENTATIVE" }],
          }),
        ],
      ],
    ]);
    await ingestDrafts(db, "hotline", "hotline_12345", [
      ["H1", [org({ name: "崇川区宏盛建材经营部", kind: "OTHER" }), event("H1")]],
      ["H2", [org({ name: "崇川区宏盛建材经营部", kind: "OTHER", phone: "051385550000" }), event("H2")]],
    ]);
    const [survivorId, ...mergedIds] = (
      await db.organisation.findMany({
        where: { nameKey: "崇川区宏盛建材经营部" },
        orderBy: { createdAt: "asc" },
      })
    ).map((o) => o.id);
    expect(mergedIds).toHaveLength(2);
    const before = await Promise.all([survivorId!, ...mergedIds].map(stateOf));
    const mergeIds = await db.$transaction((tx) =>
      mergeOrganisationsMany(
        tx,
        mergedIds.map((mergedId) => ({
          survivorId: survivorId!,
          mergedId,
          actor: "resolution-pass",
          reason: "同名",
          method: "AUTOMATIC" as const,
          score: 0.95,
        })),
      ),
    );
    const merged = await stateOf(survivorId!);
    expect(merged.sources).toHaveLength(3);
    expect(merged.events).toHaveLength(2);
    expect(merged.row).toMatchObject({ phone: "051385550000" });
    // the second merge's snapshot holds what the survivor was after the first
    const second = await db.merge.findUniqueOrThrow({ where: { id: mergeIds[1]! } });
    expect(
      (second.snapshot as { gained: { EventOrganisation: unknown[] } }).gained.EventOrganisation,
    ).toHaveLength(1);
    // undone newest first, every organisation is as it was
    await db.$transaction((tx) =>
      unmergeOrganisations(tx, { mergeId: mergeIds[1]!, actor: "s", reason: "两家" }),
    );
    await db.$transaction((tx) =>
      unmergeOrganisations(tx, { mergeId: mergeIds[0]!, actor: "s", reason: "两家" }),
    );
    expect(await Promise.all([survivorId!, ...mergedIds].map(stateOf))).toEqual(before);
    await expect(
      db.$transaction((tx) =>
        mergeOrganisationsMany(tx, [
          { survivorId: survivorId!, mergedId: mergedIds[0]!, actor: "s", reason: "x", method: "MANUAL" },
          { survivorId: mergedIds[0]!, mergedId: mergedIds[1]!, actor: "s", reason: "x", method: "MANUAL" },
        ]),
      ),
    ).rejects.toThrow(/merged away in the same step/);
  });
});
