// A department system owned by the tests: a housing bureau's rental registrations served over
// real HTTP, with a switchable fault, and its connector. Tests use it where each failure mode
// must be switched on at will; the sandbox systems cover the five real silos.
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Connector,
  type ConnectorManifest,
  type JsonValue,
  type MappingOutcome,
  type SourceRecordInput,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "../../connectors/contract.js";
import { citizenIdCheckChar } from "../../domain/identifiers/citizen-id.js";
import { buildDemoAreaTree } from "../../sandbox/city/areas.js";

const grids = buildDemoAreaTree().filter((a) => a.level === "GRID");
const citizenId = (i: number) => {
  const body =
    `320602${1960 + (i % 40)}0${1 + (i % 9)}1${i % 10}${String(100 + (i % 900)).padStart(3, "0")}`.slice(
      0,
      17,
    );
  return body + citizenIdCheckChar(body);
};

export interface Registration {
  regNo: string;
  tenantId: string;
  tenantName: string;
  phone: string;
  gridCode: string;
  registeredAt: string | null;
  status: "登记" | "核实" | "注销";
}

/** `offset`: tenants of their own (IDs unique for offset + n ≤ 1 800), not those of other tests. */
export function registrations(n: number, prefix = "ZF", offset = 0): Registration[] {
  return Array.from({ length: n }, (_, i) => ({
    regNo: `${prefix}${String(i).padStart(5, "0")}`,
    // every 10th tenant appears twice: the same person renting twice
    tenantId: citizenId(offset + (i % 10 === 9 ? i - 1 : i)),
    tenantName: `租户${i % 10 === 9 ? i - 1 : i}`,
    phone: `1390000${String(i).padStart(4, "0")}`,
    gridCode: grids[i % grids.length]!.code,
    registeredAt: new Date(Date.UTC(2026, 0, 1 + (i % 28))).toISOString(),
    status: "登记",
  }));
}

/** The housing bureau's system: GET /registrations?offset=&limit=, with a switchable fault. */
export function startHousingSystem(data: Registration[]) {
  // `extra`: records the system gains later, served after `data`.
  const state = {
    fault: "none" as "none" | "error500" | "garbage",
    requests: 0,
    extra: [] as Registration[],
  };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? "/", "http://x");
    if (state.fault === "error500") return void res.writeHead(500).end("upstream broke");
    if (state.fault === "garbage")
      return void res.writeHead(200, { "content-type": "application/json" }).end("{ not json");
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    const all = [...data, ...state.extra];
    const items = all.slice(offset, offset + limit);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        items,
        nextOffset: offset + items.length,
        hasMore: offset + items.length < all.length,
      }),
    );
  });
  return new Promise<{ url: string; state: typeof state; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        state,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

export const housingManifest: ConnectorManifest = {
  id: "housing-test",
  department: { code: "housing", name: "市住建局" },
  description: "rental registrations (test)",
  produces: ["PERSON", "EVENT"],
  fields: [
    { element: "PERSON", field: "citizenId", sensitivity: "SENSITIVE", owner: "housing" },
    { element: "PERSON", field: "name", sensitivity: "PERSONAL", owner: "housing" },
    { element: "PERSON", field: "phone", sensitivity: "PERSONAL", owner: "housing" },
    { element: "EVENT", field: "title", sensitivity: "INTERNAL", owner: "housing" },
  ],
  schedule: { intervalSeconds: 3600, pageSize: 25 },
  capabilities: { lookups: [], push: true },
};

export function housingConnector(baseUrl: string): Connector {
  return {
    manifest: housingManifest,
    async sync(cursor, pageSize, ctx) {
      const offset = Number(cursor ?? 0);
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/registrations?offset=${offset}&limit=${pageSize}`, {
          signal: ctx.signal,
        });
      } catch (e) {
        throw new UpstreamUnavailableError(housingManifest.id, (e as Error).message);
      }
      if (!res.ok) throw new UpstreamUnavailableError(housingManifest.id, `HTTP ${res.status}`, res.status);
      let body: { items: Registration[]; nextOffset: number; hasMore: boolean };
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new UpstreamFormatError(housingManifest.id, "body is not JSON");
      }
      return {
        records: body.items.map((r) => ({ sourceKey: r.regNo, payload: r as unknown as JsonValue })),
        nextCursor: String(body.nextOffset),
        done: !body.hasMore,
      };
    },
    map(record: SourceRecordInput): MappingOutcome {
      const r = record.payload as unknown as Registration;
      if (!r.registeredAt)
        return {
          ok: false,
          problems: [
            { code: "MISSING_FIELD", field: "registeredAt", message: `${r.regNo}: no registration time` },
          ],
        };
      return {
        ok: true,
        drafts: [
          { element: "PERSON", ref: "tenant", citizenId: r.tenantId, name: r.tenantName, phone: r.phone },
          {
            element: "EVENT",
            ref: "registration",
            kind: "GRID_REPORT",
            title: `出租登记 ${r.regNo}`,
            occurredAt: r.registeredAt,
            reportedAt: r.registeredAt,
            areaCode: r.gridCode,
            status: r.status === "注销" ? "ARCHIVED" : r.status === "核实" ? "VERIFIED" : "REPORTED",
            persons: [{ ref: "tenant", role: "SUBJECT" }],
            organisations: [],
          },
        ],
      };
    },
    parsePush(body) {
      const b = body as unknown as { deliveryId: string; registration: Registration };
      return {
        deliveryId: b.deliveryId,
        records: [{ sourceKey: b.registration.regNo, payload: b.registration as unknown as JsonValue }],
      };
    },
    async health() {
      return { up: true };
    },
  };
}
