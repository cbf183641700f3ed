// The pass's prior, P(a mention is someone the registry holds), measured on the graph through the
// real ingest and the pass as a steward runs it: of the callers who gave a mobile, the share whose
// mobile a registered person holds, without an ID over with one (calibratedPrior).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import { MENTION_POLICY } from "../../domain/resolution/mention-match.js";
import { citizenId, ingestDrafts, personDraft, twoCommunities, workOrderDraft } from "../support/drafts.js";
import { startTestHub, stewardAndCommander, type TestHub } from "../support/hub.js";

let hub: TestHub;
let steward: string;
let near: string;

const RESIDENTS = 220;
const idOf = (i: number) => citizenId(`32060219800101${String(i).padStart(3, "0")}`);
const mobileOf = (i: number) => `139${String(i).padStart(8, "0")}`;
/** A mobile no resident holds. */
const strangerMobile = (i: number) => `137${String(i).padStart(8, "0")}`;

const call = (key: string, caller: Parameters<typeof personDraft>[1]): [string, ElementDraft[]] => [
  key,
  [personDraft("caller", caller), workOrderDraft(key, "caller", near)],
];

const passPrior = async () =>
  (
    await hub.gql<{ runResolutionPass: { prior: number | null; mentions: number } }>(
      "mutation { runResolutionPass(full: true) { prior mentions } }",
      { token: steward },
    )
  ).data!.runResolutionPass;

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "false" });
  ({ steward } = await stewardAndCommander(hub));
  ({ near } = await twoCommunities(hub.db));
  await ingestDrafts(
    hub.db,
    "population",
    "public_security",
    Array.from({ length: RESIDENTS }, (_, i) => [
      `R${i}`,
      [personDraft("person", { citizenId: idOf(i), name: `居民${i}`, phone: mobileOf(i) })],
    ]),
  );
});

afterAll(() => hub?.stop());

describe("the resolution pass's prior", () => {
  it("keeps the policy's prior while too few callers tell", async () => {
    await ingestDrafts(hub.db, "hotline", "hotline_12345", [
      call("W-few-1", { phone: mobileOf(0) }),
      call("W-few-2", { citizenId: idOf(1), name: "居民1", phone: mobileOf(1) }),
    ]);
    const pass = await passPrior();
    expect(pass.mentions).toBeGreaterThan(0);
    expect(pass.prior).toBe(MENTION_POLICY.prior);
  });

  it("is measured once callers with and without an ID are enough to tell", async () => {
    // every caller who gave an ID gave their own mobile; of those who gave none, 200 a resident's
    // and 20 a mobile no resident holds
    await ingestDrafts(
      hub.db,
      "hotline",
      "hotline_12345",
      Array.from({ length: RESIDENTS }, (_, i) =>
        call(`W-id-${i}`, { citizenId: idOf(i), name: `居民${i}`, phone: mobileOf(i) }),
      ),
    );
    await ingestDrafts(
      hub.db,
      "hotline",
      "hotline_12345",
      Array.from({ length: RESIDENTS }, (_, i) =>
        call(`W-anon-${i}`, { phone: i < 200 ? mobileOf(i) : strangerMobile(i) }),
      ),
    );
    // with the two calls of the first case: 221 with an ID (all held), 221 without (201 held)
    const pass = await passPrior();
    expect(pass.prior).toBeCloseTo(201 / 221, 4);
    expect(pass.prior).toBeLessThan(MENTION_POLICY.priorRange[1]);
  });
});
