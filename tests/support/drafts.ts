// Records that carry their element drafts as they are, ingested through the real ingest: tests of
// matching and resolution write the drafts a department's mapping would have produced.
import type { ElementDraft, SourceRecordInput } from "../../connectors/contract.js";
import { citizenIdCheckChar } from "../../domain/identifiers/citizen-id.js";
import { type IngestSource, ingestPage } from "../../integration/ingest.js";
import type { Db } from "../../prisma/db.js";

/** A valid GB 11643 ID from its first 17 characters. */
export const citizenId = (first17: string) => `${first17}${citizenIdCheckChar(first17)}`;

/** A department whose records carry their drafts as they are: the ingest and matching are real. */
export const draftSource = (connectorId: string, departmentCode: string): IngestSource => ({
  connectorId,
  departmentCode,
  map: (record) => ({ ok: true, drafts: (record.payload as unknown as { drafts: ElementDraft[] }).drafts }),
});

/** Ingest records given as [sourceKey, drafts] in one page. */
export async function ingestDrafts(
  db: Db,
  connectorId: string,
  department: string,
  records: [string, ElementDraft[]][],
) {
  const inputs: SourceRecordInput[] = records.map(([sourceKey, drafts]) => ({
    sourceKey,
    payload: { drafts } as unknown as SourceRecordInput["payload"],
  }));
  return db.$transaction((tx) => ingestPage(tx, draftSource(connectorId, department), inputs));
}

export const personDraft = (
  ref: string,
  fields: Omit<Extract<ElementDraft, { element: "PERSON" }>, "element" | "ref">,
) => ({ element: "PERSON", ref, ...fields }) as ElementDraft;

/** A 12345 work order in an area with the parties it names (draft refs and roles). */
export const ticketDraft = (
  key: string,
  areaCode: string,
  parties: {
    persons?: { ref: string; role: string }[];
    organisations?: { ref: string; role: string }[];
  } = {},
) =>
  ({
    element: "EVENT",
    ref: "event",
    kind: "HOTLINE_TICKET",
    title: `工单 ${key}`,
    occurredAt: "2026-11-01T08:00:00Z",
    reportedAt: "2026-11-01T08:05:00Z",
    areaCode,
    status: "ACCEPTED",
    persons: parties.persons ?? [],
    organisations: parties.organisations ?? [],
  }) as ElementDraft;

/** A 12345 work order in an area naming the person as its caller (what ties a caller to an area). */
export const workOrderDraft = (key: string, personRef: string, areaCode: string) =>
  ticketDraft(key, areaCode, { persons: [{ ref: personRef, role: "REPORTER" }] });

/** Two communities of the seeded area tree under different streets: where a test's people live apart. */
export async function twoCommunities(db: Db): Promise<{ near: string; far: string }> {
  const communities = await db.area.findMany({
    where: { level: "COMMUNITY" },
    orderBy: { code: "asc" },
    select: { code: true, parentId: true },
  });
  const near = communities[0]!;
  return { near: near.code, far: communities.find((c) => c.parentId !== near.parentId)!.code };
}
