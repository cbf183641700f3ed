// Shared helpers for the sandbox tests: a small city, a connector context, the five sources
// pointed at a running sandbox, and a loop that syncs a source to the end.
import { expect } from "vitest";
import type { ConnectorContext, SourceRecordInput, SyncPage } from "../../../connectors/contract.js";
import { createCivilAffairsSource } from "../../../connectors/departments/civil-affairs/source.js";
import { createGridSource } from "../../../connectors/departments/grid/source.js";
import { createHotlineSource } from "../../../connectors/departments/hotline/source.js";
import type { HttpSource } from "../../../connectors/departments/http.js";
import { createPetitionSource } from "../../../connectors/departments/petition/source.js";
import { createPublicSecuritySource } from "../../../connectors/departments/public-security/source.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../../sandbox/services/index.js";

/** Small enough to page through in well under a second; seed "s1" has rare-character names. */
export const SMALL_CITY = { seed: "s1", persons: 2000 } as const;

export function testCtx(signal: AbortSignal = new AbortController().signal): ConnectorContext {
  return { signal, log: () => undefined };
}

/** All five on free ports. */
export function startSmallSandbox(extra: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({
    ...SMALL_CITY,
    ports: { publicSecurity: 0, civilAffairs: 0, hotline: 0, petition: 0, grid: 0 },
    ...extra,
  });
}

export function sourcesFor(sandbox: Sandbox, timeoutMs = 5_000) {
  // a service that is not running: port 1 refuses connections
  const opts = (connectorId: string, url: string | undefined) => ({
    baseUrl: url ?? "http://127.0.0.1:1",
    connectorId,
    timeoutMs,
  });
  const u = sandbox.urls;
  return {
    publicSecurity: createPublicSecuritySource(opts("public-security", u.publicSecurity)),
    civilAffairs: createCivilAffairsSource(opts("civil-affairs", u.civilAffairs)),
    hotline: createHotlineSource(opts("hotline", u.hotline)),
    petition: createPetitionSource(opts("petition", u.petition)),
    grid: createGridSource(opts("grid", u.grid)),
  };
}

export interface SyncRun {
  records: SourceRecordInput[];
  pages: SyncPage[];
  cursor: string;
}

/** sync() from `cursor` until done (bounded, so a cursor bug fails instead of hanging). */
export async function syncToEnd(
  source: HttpSource,
  pageSize: number,
  cursor: string | null = null,
  maxPages = 10_000,
): Promise<SyncRun> {
  const records: SourceRecordInput[] = [];
  const pages: SyncPage[] = [];
  let next = cursor;
  for (let i = 0; i < maxPages; i++) {
    const page = await source.sync(next, pageSize, testCtx());
    pages.push(page);
    records.push(...page.records);
    expect(page.records.length).toBeLessThanOrEqual(pageSize);
    next = page.nextCursor;
    if (page.done) return { records, pages, cursor: page.nextCursor };
  }
  throw new Error(`not done after ${maxPages} pages`);
}

/** The dataset part of a source key. */
export const datasetOfKey = (r: SourceRecordInput) => r.sourceKey.slice(0, r.sourceKey.indexOf(":"));
