// The resolution pass's organisation step end to end: organisations the silos name without a
// valid credit code, ingested through the real ingest (which leaves two name-only records of one
// unit, and mentions that came before the registration, apart), joined by the pass to the one their
// name key names, audited and reversible, and never merged again once a steward undid it.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { orgCodeCheckChar, usccCheckChar } from "../../domain/identifiers/uscc.js";
import { ANONYMOUS } from "../../domain/principal.js";
import { decideMatch } from "../../integration/commands/resolution.js";
import { unmergeOrganisations } from "../../integration/resolution/merge-organisations.js";
import { PASS_ACTOR, resolvePending } from "../../integration/resolution/pass.js";
import { createDb, type Db } from "../../prisma/db.js";
import { reviewQueueIds } from "../../resolvers/resolution.js";
import { ingestDrafts, personDraft, ticketDraft } from "../support/drafts.js";
import { cloneTemplate } from "../support/pg.js";

let db: Db;
let drop: () => Promise<void>;
let community: string;
/** A community of another district. */
let far: string;

const HENGTONG = "南通恒通建材有限公司";
/** A valid credit code of a company registered in 崇川区. */
const uscc = (body8: string) => {
  const first17 = `91320602${body8}${orgCodeCheckChar(body8)}`;
  return first17 + usccCheckChar(first17);
};
const SHUNDA_NANTONG = uscc("MA1MY3K6");
const SHUNDA_JIANGSU = uscc("MA1N0R2K");
const HEMEI = uscc("MA1P7GQ4");
const RUIFENG = uscc("MA1Q2W3E");

/** A 12345 work order whose caller complains about a unit named as the caller said it. */
const complaint = (key: string, unit: string): [string, ElementDraft[]] => [
  key,
  [
    { element: "ORGANISATION", ref: "target", name: unit, kind: "OTHER" } as ElementDraft,
    ticketDraft(key, community, { organisations: [{ ref: "target", role: "TARGET" }] }),
  ],
];

const registered = (key: string, name: string, uscc: string): [string, ElementDraft[]] => [
  key,
  [
    {
      element: "ORGANISATION",
      ref: "org",
      name,
      uscc,
      kind: "ENTERPRISE",
      areaCode: community,
    } as ElementDraft,
  ],
];

/** Every organisation bearing a name key, with how many source elements each has. */
const holders = async (nameKey: string) =>
  Promise.all(
    (await db.organisation.findMany({ where: { nameKey }, orderBy: { id: "asc" } })).map(async (o) => ({
      ...o,
      sources: await db.entitySource.count({ where: { entityType: "ORGANISATION", entityId: o.id } }),
    })),
  );

beforeAll(async () => {
  const database = await cloneTemplate(inject("pgAdminUrl"), inject("pgTemplate"));
  drop = database.drop;
  db = createDb({ url: database.url, poolMax: 4 });
  const communities = await db.area.findMany({ where: { level: "COMMUNITY" }, orderBy: { code: "asc" } });
  community = communities[0]!.code;
  far = communities.find((c) => c.code.slice(0, 6) !== community.slice(0, 6))!.code;
  // 12345 first: callers name 恒通 the short way and in full, 和美 before it is registered, 顺达
  // (two registrations bear that key), 瑞丰, and a kind of unit
  await ingestDrafts(db, "hotline", "hotline_12345", [
    complaint("T1", "恒通建材公司"),
    complaint("T2", HENGTONG),
    complaint("T3", "崇川区和美家政公司"),
    complaint("T4", "崇川区和美家政公司"),
    complaint("T5", "顺达物流公司"),
    complaint("T6", "江苏顺达物流有限公司"),
    complaint("T7", "物业公司"),
    complaint("T8", "物业公司"),
    complaint("T10", "瑞丰建材公司"),
  ]);
  // the grid's unit ledger knows 恒通 without its code, at an address with a phone; a dispute
  // names it with the same phone
  await ingestDrafts(db, "grid", "grid", [
    [
      "units:U1",
      [
        personDraft("legalRepresentative", { name: "周平" }),
        {
          element: "ORGANISATION",
          ref: "unit",
          name: HENGTONG,
          kind: "ENTERPRISE",
          areaCode: community,
          phone: "0513-81234567",
          members: [{ personRef: "legalRepresentative", role: "LEGAL_REPRESENTATIVE" }],
        } as ElementDraft,
      ],
    ],
    [
      "disputes:D1",
      [
        {
          element: "ORGANISATION",
          ref: "party",
          name: HENGTONG,
          kind: "OTHER",
          phone: "051381234567",
        } as ElementDraft,
      ],
    ],
    // a dispute in another district names a 瑞丰建材公司 there: likely, not clearly, the same
    [
      "disputes:D2",
      [
        {
          element: "ORGANISATION",
          ref: "party",
          name: "瑞丰建材公司",
          kind: "OTHER",
          areaCode: far,
        } as ElementDraft,
      ],
    ],
  ]);
  // the ledger's registered units, with their codes, come in later
  await ingestDrafts(db, "grid", "grid", [
    registered("units:M1", "南通顺达物流有限公司", SHUNDA_NANTONG),
    registered("units:M2", "江苏顺达物流有限公司", SHUNDA_JIANGSU),
    registered("units:M3", "南通市崇川区和美家政有限公司", HEMEI),
    registered("units:M4", "南通瑞丰建材有限公司", RUIFENG),
  ]);
});
afterAll(async () => {
  await db?.$disconnect();
  await drop?.();
});

describe("the organisation step of the resolution pass", () => {
  it("finds what the ingest left apart", async () => {
    expect(await holders("恒通建材公司")).toHaveLength(4);
    expect(await holders("崇川区和美家政公司")).toHaveLength(3);
    expect(await holders("顺达物流公司")).toHaveLength(4);
  });

  it("joins each name-only organisation to the one its name key names, explained", async () => {
    const outcome = await resolvePending(db, { full: true });
    // 恒通: three into the ledger's unit; 和美: two into the registration; 顺达: the full name
    // only; 瑞丰: the caller's, while the dispute's in another district goes to the review queue
    expect(outcome).toMatchObject({ organisationsMerged: 7, organisationReviews: 1 });
    const hengtong = await holders("恒通建材公司");
    expect(hengtong).toHaveLength(1);
    expect(hengtong[0]).toMatchObject({ sources: 4, phone: expect.stringContaining("81234567") });
    expect(await db.eventOrganisation.count({ where: { organisationId: hengtong[0]!.id } })).toBe(2);
    const hemei = await holders("崇川区和美家政公司");
    expect(hemei).toHaveLength(1);
    expect(hemei[0]).toMatchObject({ uscc: HEMEI, sources: 3 });
    // 顺达物流公司 could be either registration: it stays apart; 江苏顺达 said in full is the one
    const shunda = await holders("顺达物流公司");
    expect(shunda).toHaveLength(3);
    expect(shunda.find((o) => o.uscc === SHUNDA_JIANGSU)!.sources).toBe(2);
    expect(shunda.find((o) => o.uscc === SHUNDA_NANTONG)!.sources).toBe(1);
    // a kind of unit is no one unit
    expect(await holders("物业公司")).toHaveLength(2);
    const merges = await db.merge.findMany({ where: { entityType: "ORGANISATION" } });
    expect(merges).toHaveLength(7);
    for (const m of merges) {
      expect(m).toMatchObject({ actor: PASS_ACTOR, method: "AUTOMATIC" });
      expect(m.reason).toMatch(/posterior 0\.\d+ over \d candidate\(s\); name (EXACT|SHORTENED) \+/);
      expect(m.score).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("changes nothing when run again, and takes in a new mention on the next pass", async () => {
    expect((await resolvePending(db)).organisationsMerged).toBe(0);
    await ingestDrafts(db, "hotline", "hotline_12345", [complaint("T9", "恒通建材公司")]);
    expect(await holders("恒通建材公司")).toHaveLength(2);
    expect((await resolvePending(db)).organisationsMerged).toBe(1);
    expect(await holders("恒通建材公司")).toHaveLength(1);
  });

  it("never merges again what a steward undid", async () => {
    const survivor = (await holders("崇川区和美家政公司"))[0]!;
    const merge = await db.merge.findFirstOrThrow({
      where: { entityType: "ORGANISATION", survivorId: survivor.id, undoneAt: null },
      orderBy: { at: "asc" },
    });
    await db.$transaction((tx) =>
      unmergeOrganisations(tx, { mergeId: merge.id, actor: "steward", reason: "另一家家政公司" }),
    );
    expect(await holders("崇川区和美家政公司")).toHaveLength(2);
    expect((await resolvePending(db, { full: true })).organisationsMerged).toBe(0);
    expect(await holders("崇川区和美家政公司")).toHaveLength(2);
  });

  it("queues a likely pair for a steward, who decides it", async () => {
    const pair = await db.matchCandidate.findFirstOrThrow({ where: { entityType: "ORGANISATION" } });
    expect(pair.status).toBe("OPEN");
    expect((await db.organisation.findUniqueOrThrow({ where: { id: pair.entityId } })).name).toBe(
      "瑞丰建材公司",
    );
    expect((await db.organisation.findUniqueOrThrow({ where: { id: pair.candidateId } })).uscc).toBe(RUIFENG);
    expect(pair.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ feature: "place", level: "ELSEWHERE" })]),
    );
    const steward = {
      ...ANONYMOUS,
      subject: "steward-1",
      roles: ["data_steward" as const],
      authenticated: true,
    };
    // listed to a steward of the district the unit was seen in, not to one of the other district
    const of = async (code: string) => {
      const district = await db.area.findUniqueOrThrow({ where: { code: code.slice(0, 6) } });
      return { ...steward, jurisdiction: [district.code], jurisdictionPaths: [district.path] };
    };
    const listed = async (code: string) =>
      (await reviewQueueIds({ db, principal: await of(code) }, "OPEN", 0, 10)).ids;
    expect(await listed(far)).toContain(pair.id);
    expect(await listed(community)).not.toContain(pair.id);
    await decideMatch(
      { id: pair.id, verdict: "SAME", reason: "同一家公司，已核实" },
      { db, principal: steward, visible: async () => true },
    );
    expect(await db.matchCandidate.findUniqueOrThrow({ where: { id: pair.id } })).toMatchObject({
      status: "MERGED",
      decidedBy: "steward-1",
    });
    expect(await holders("瑞丰建材公司")).toHaveLength(1);
    expect(
      await db.merge.findFirstOrThrow({ where: { entityType: "ORGANISATION", mergedId: pair.entityId } }),
    ).toMatchObject({ method: "REVIEW", actor: "steward-1", survivorId: pair.candidateId });
  });
});
