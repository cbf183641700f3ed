// A declarative connector against a real HTTP department system: every paging style and format
// pages through the whole data set once (no duplicates, nothing missing), resumes where it ended,
// maps what it read, and fails with the contract's error classes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Connector,
  type JsonValue,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "../../../connectors/contract.js";
import { createDeclarativeConnector } from "../../../connectors/declarative/connector.js";
import type { DeclarativeDefinitionInput } from "../../../connectors/declarative/definition.js";
import { closeEvaluator } from "../../../connectors/declarative/evaluator.js";
import { DeclarativeFormatError } from "../../../connectors/declarative/source.js";
import {
  definitionFor,
  EXAMPLE,
  type HousingRentalSystem,
  RENTAL_FIELDS,
  type Rental,
  rentals,
  startHousingRentalSystem,
  syncToEnd,
  testCtx,
} from "./support.js";

const N = 137;
const PAGE = 25;

let system: HousingRentalSystem;
const data = rentals(N);

beforeAll(async () => {
  system = await startHousingRentalSystem(data);
});
afterAll(async () => {
  await system.close();
  await closeEvaluator();
});

/** The record as a CSV row or an XML element carries it: every value text. */
const asText = (r: Rental): Record<string, string> =>
  Object.fromEntries(RENTAL_FIELDS.map((f) => [f, String(r[f])]));

type Variant = {
  name: string;
  path: string;
  source: Omit<DeclarativeDefinitionInput["source"], "endpoint" | "keyField">;
  /** How the payload of record i looks. */
  payload: (r: Rental) => JsonValue;
};

const VARIANTS: Variant[] = [
  {
    name: "JSON, CURSOR paging (the example)",
    path: "/api/rentals",
    source: { ...EXAMPLE.source },
    payload: (r) => ({ ...r }),
  },
  {
    name: "JSON, OFFSET paging",
    path: "/api/rentals/by-offset",
    source: {
      format: "JSON",
      recordsPath: "rows",
      paging: { style: "OFFSET", offsetParam: "offset", limitParam: "limit" },
    },
    payload: (r) => ({ ...r }),
  },
  {
    name: "JSON, PAGE paging from 1",
    path: "/api/rentals/by-page",
    source: {
      format: "JSON",
      recordsPath: "data.list",
      paging: { style: "PAGE", pageParam: "pageNo", sizeParam: "pageSize", firstPage: 1 },
    },
    payload: (r) => ({ ...r }),
  },
  {
    name: "JSON, PAGE paging from 0 (endpoint with its own query)",
    path: "/api/rentals/by-page?base=0",
    source: {
      format: "JSON",
      recordsPath: "data.list",
      paging: { style: "PAGE", pageParam: "pageNo", sizeParam: "pageSize", firstPage: 0 },
    },
    payload: (r) => ({ ...r }),
  },
  {
    name: "JSON, no paging (a bare array)",
    path: "/api/rentals/all",
    source: { format: "JSON", paging: { style: "NONE" } },
    payload: (r) => ({ ...r }),
  },
  {
    name: "CSV in GB18030, OFFSET paging",
    path: "/export/rentals.csv",
    source: {
      format: "CSV",
      encoding: "GB18030",
      paging: { style: "OFFSET", offsetParam: "start", limitParam: "rows" },
    },
    payload: asText,
  },
  {
    name: "CSV in GB18030, CURSOR paging in response headers",
    path: "/export/rentals-cursor.csv",
    source: {
      format: "CSV",
      encoding: "GB18030",
      paging: {
        style: "CURSOR",
        cursorParam: "cursor",
        limitParam: "limit",
        nextCursorPath: "header:X-Next-Cursor",
        hasMorePath: "header:X-Has-More",
      },
    },
    payload: asText,
  },
  {
    name: "XML, PAGE paging",
    path: "/feed/rentals.xml",
    source: {
      format: "XML",
      recordsPath: "rentalFeed.rental",
      paging: { style: "PAGE", pageParam: "page", sizeParam: "size" },
    },
    payload: asText,
  },
  {
    name: "XML in GB18030 (by its declaration), CURSOR paging in attributes",
    path: "/feed/rentals-cursor.xml",
    source: {
      format: "XML",
      recordsPath: "rentalFeed.rental",
      paging: {
        style: "CURSOR",
        cursorParam: "cursor",
        limitParam: "limit",
        nextCursorPath: "rentalFeed.@nextCursor",
        hasMorePath: "rentalFeed.@hasMore",
      },
    },
    payload: asText,
  },
];

describe.each(VARIANTS)("sync: $name", ({ path, source, payload }) => {
  let connector: Connector;
  beforeAll(() => {
    connector = createDeclarativeConnector(definitionFor(system, path, source));
  });

  it("reads every record exactly once, as the source wrote it", async () => {
    const run = await syncToEnd(connector, PAGE);
    const keys = run.records.map((r) => r.sourceKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(data.map((r) => r.登记编号));
    expect(run.records.map((r) => r.payload)).toEqual(data.map(payload));
    const style = source.paging.style;
    // OFFSET and PAGE end on the empty page after the last records (a short page is not the end:
    // servers cap their pages); CURSOR ends when the source says it has no more.
    const pages = style === "NONE" ? 1 : Math.ceil(N / PAGE) + (style === "CURSOR" ? 0 : 1);
    expect(run.pages.length).toBe(pages);
    const withRecords = run.pages.filter((p) => p.records.length > 0);
    expect(withRecords.slice(0, -1).every((p) => p.records.length === PAGE)).toBe(true);
    expect(run.pages.slice(0, -1).every((p) => !p.done)).toBe(true);
  });

  it("is healthy when a one-record first page reads as declared", async () => {
    expect(await connector.health(testCtx())).toEqual({ up: true });
  });

  it("maps what it read to the same drafts whatever the format", async () => {
    const run = await syncToEnd(connector, 50);
    const json = createDeclarativeConnector(EXAMPLE);
    for (const [i, r] of run.records.entries()) {
      const outcome = connector.map(r);
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      expect(outcome).toEqual(json.map({ sourceKey: r.sourceKey, payload: { ...data[i]! } }));
    }
  });

  it("resumes where the last run ended and picks up what the source added since", async () => {
    const first = await syncToEnd(connector, PAGE);
    const again = await syncToEnd(connector, PAGE, first.cursor);
    if (source.paging.style === "NONE") expect(again.records).toHaveLength(N);
    else if (source.paging.style === "PAGE")
      // the last, partial page is read again (the ingest sees those versions as unchanged)
      expect(again.records.map((r) => r.sourceKey)).toEqual(
        data.slice(N - (N % PAGE)).map((r) => r.登记编号),
      );
    else expect(again.records).toEqual([]);
    const added = rentals(N + 3).slice(N);
    system.state.data = [...data, ...added];
    try {
      const later = await syncToEnd(connector, PAGE, again.cursor);
      const keys = later.records.map((r) => r.sourceKey);
      for (const r of added) expect(keys).toContain(r.登记编号);
      if (source.paging.style === "OFFSET" || source.paging.style === "CURSOR")
        expect(keys).toEqual(added.map((r) => r.登记编号));
    } finally {
      system.state.data = data;
    }
  });
});

describe("sync", () => {
  it("sends the definition's headers (an API key)", async () => {
    const keyed = await startHousingRentalSystem(rentals(3), { apiKey: "k-2026" });
    try {
      const without = createDeclarativeConnector(definitionFor(keyed, "/api/rentals", EXAMPLE.source));
      const err = await without.sync(null, 10, testCtx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamUnavailableError);
      expect((err as UpstreamUnavailableError).status).toBe(401);
      const withKey = createDeclarativeConnector(
        definitionFor(keyed, "/api/rentals", { ...EXAMPLE.source, headers: { "X-Api-Key": "k-2026" } }),
      );
      expect((await withKey.sync(null, 10, testCtx())).records).toHaveLength(3);
    } finally {
      await keyed.close();
    }
  });

  it("carries the paging in the cursor, readable", async () => {
    const offset = createDeclarativeConnector(
      definitionFor(system, "/api/rentals/by-offset", VARIANTS[1]!.source),
    );
    expect((await offset.sync(null, 10, testCtx())).nextCursor).toBe("offset:10");
    expect((await offset.sync("offset:130", 10, testCtx())).nextCursor).toBe(`offset:${N}`);
    const page = createDeclarativeConnector(
      definitionFor(system, "/api/rentals/by-page", VARIANTS[2]!.source),
    );
    expect((await page.sync(null, 10, testCtx())).nextCursor).toBe("page:2/10");
    const cursor = createDeclarativeConnector(definitionFor(system, "/api/rentals", EXAMPLE.source));
    expect((await cursor.sync(null, 10, testCtx())).nextCursor).toMatch(/^cursor:\S+$/);
    await expect(cursor.sync("offset:10", 10, testCtx())).rejects.toThrow(/is not a CURSOR cursor/);
  });

  it("keeps PAGE paging whole when the page size changes between runs", async () => {
    const page = createDeclarativeConnector(
      definitionFor(system, "/api/rentals/by-page", VARIANTS[2]!.source),
    );
    const first = await page.sync(null, 20, testCtx());
    const second = await page.sync(first.nextCursor, 20, testCtx());
    const rest = await syncToEnd(page, 30, second.nextCursor);
    const keys = new Set([...first.records, ...second.records, ...rest.records].map((r) => r.sourceKey));
    expect(keys.size).toBe(N);
  });

  it("503/500 from the source → UpstreamUnavailableError naming the connector and URL", async () => {
    const c = createDeclarativeConnector(EXAMPLE_AT("/api/rentals"));
    system.state.fault = "error500";
    try {
      const err = await c.sync(null, 10, testCtx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamUnavailableError);
      expect(err).toMatchObject({ connectorId: "housing-rentals-test", status: 500 });
      expect((err as Error).message).toMatch(
        new RegExp(
          `^connector housing-rentals-test: GET ${system.url}/api/rentals\\?limit=10: HTTP 500 \\(系统繁忙`,
        ),
      );
      expect(await c.health(testCtx())).toMatchObject({
        up: false,
        detail: expect.stringContaining("HTTP 500"),
      });
    } finally {
      system.state.fault = "none";
    }
    expect(await c.health(testCtx())).toEqual({ up: true });
  });

  it("a body not in the declared format → UpstreamFormatError", async () => {
    const c = createDeclarativeConnector(EXAMPLE_AT("/api/rentals"));
    system.state.fault = "garbage";
    try {
      const err = await c.sync(null, 10, testCtx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamFormatError);
      expect(err).toMatchObject({ connectorId: "housing-rentals-test", path: "source.format" });
      expect((err as Error).message).toMatch(/body is not valid JSON/);
    } finally {
      system.state.fault = "none";
    }
  });

  it("an envelope without its records (an error answered with 200) → UpstreamFormatError", async () => {
    const c = createDeclarativeConnector(EXAMPLE_AT("/api/rentals"));
    system.state.fault = "noRecords";
    try {
      const err = await c.sync(null, 10, testCtx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeclarativeFormatError);
      expect(err).toMatchObject({ path: "source.recordsPath" });
      expect((err as Error).message).toMatch(/no list of records at data\.records \(found absent\)/);
    } finally {
      system.state.fault = "none";
    }
  });

  it("GB18030 read as UTF-8 → UpstreamFormatError naming source.encoding", async () => {
    const csv = VARIANTS[5]!.source;
    const c = createDeclarativeConnector(
      definitionFor(system, "/export/rentals.csv", { format: "CSV", paging: csv.paging }),
    );
    const err = await c.sync(null, 10, testCtx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamFormatError);
    expect(err).toMatchObject({ path: "source.encoding" });
    expect((err as Error).message).toMatch(/not valid UTF-8/);
  });

  it("a record without its key does not fail the page: map() quarantines it, naming the key field", async () => {
    const c = createDeclarativeConnector({
      ...EXAMPLE_AT("/api/rentals/by-offset"),
      source: { ...EXAMPLE_AT("/api/rentals/by-offset").source, ...VARIANTS[1]!.source, keyField: "编号" },
    });
    const page = await c.sync(null, 10, testCtx());
    expect(page.records).toHaveLength(10);
    const again = await c.sync(null, 10, testCtx());
    expect(again.records[0]!.sourceKey).toBe(page.records[0]!.sourceKey); // the same row, the same key
    expect(page.records[0]!.sourceKey).toMatch(/^\(no 编号\) [0-9a-f]{16}$/);
    expect(c.map(page.records[0]!)).toMatchObject({
      ok: false,
      problems: [{ code: "MISSING_FIELD", field: "编号", message: expect.stringMatching(/no 编号/) }],
    });
  });

  it("no answer in time, or no server at all → UpstreamUnavailableError", async () => {
    const slow = createDeclarativeConnector({
      ...EXAMPLE_AT("/api/rentals"),
      source: { ...EXAMPLE_AT("/api/rentals").source, timeoutMs: 300 },
    });
    system.state.fault = "hang";
    try {
      const err = await slow.sync(null, 10, testCtx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamUnavailableError);
      expect((err as Error).message).toMatch(/no answer within 300 ms \(timed out\)/);
    } finally {
      system.state.fault = "none";
    }
    // a port nobody listens on any more
    const closed = await startHousingRentalSystem([]);
    await closed.close();
    const gone = createDeclarativeConnector({
      ...EXAMPLE,
      source: { ...EXAMPLE.source, endpoint: `${closed.url}/api/rentals` },
    });
    const err = await gone.sync(null, 10, testCtx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as Error).message).toBe(
      `connector housing-rentals: GET ${closed.url}/api/rentals?limit=10: unreachable (ECONNREFUSED)`,
    );
    expect(await gone.health(testCtx())).toMatchObject({ up: false });
  });
});

function EXAMPLE_AT(path: string): DeclarativeDefinitionInput {
  return definitionFor(system, path, EXAMPLE.source);
}
