// The federated graph over the five sandbox silos: events with their places, parties and sources;
// a person found by any legacy spelling of the ID, masked as the caller's rights require; and a
// field served live from civil affairs, batched into one call and failing alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connector } from "../../connectors/contract.js";
import { builtinConnectors } from "../../connectors/departments/index.js";
import type { Sandbox } from "../../sandbox/services/index.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { startSmallSandbox } from "./sandbox/support.js";

let sandbox: Sandbox;
let hub: TestHub;
let lookupCalls: string[][] = [];

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  // Count the live calls without changing them: the real connector, observed.
  const connectors = builtinConnectors(sandbox.urls).map((c): Connector => {
    const lookup = c.lookup;
    if (!lookup) return c;
    return {
      ...c,
      lookup: (name, keys, ctx) => {
        lookupCalls.push([...keys]);
        return lookup(name, keys, ctx);
      },
    };
  });
  hub = await startTestHub({}, connectors);
  for (const c of connectors) expect((await hub.sync.run(c.manifest.id)).outcome).toBe("SUCCEEDED");
}, 180_000);
afterAll(async () => {
  await hub?.stop();
  await sandbox?.stop();
});

const commander = () =>
  hub.token({ roles: ["city_commander"], areas: ["320600"], purpose: "EMERGENCY_RESPONSE" });

describe("events", () => {
  it("lists a district's work orders with their place, parties and sources", async () => {
    const r = await hub.gql<{
      events: {
        totalCount: number;
        edges: {
          node: {
            kind: string;
            area: { code: string };
            persons: { role: string }[];
            sources: { connector: string }[];
          };
        }[];
      };
    }>(
      `{ events(under: "320602", kind: HOTLINE_TICKET, first: 10) { totalCount edges { node {
          kind title status area { code } persons { role person { name } } sources { connector sourceKey } timeline { toStatus } } } } }`,
      { token: await commander() },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.events.totalCount).toBeGreaterThan(0);
    for (const { node } of r.data!.events.edges) {
      expect(node.kind).toBe("HOTLINE_TICKET");
      expect(node.area.code.startsWith("320602")).toBe(true);
      expect(node.sources.map((s) => s.connector)).toContain("hotline-12345");
    }
    expect(r.data!.events.edges.some(({ node }) => node.persons.some((p) => p.role === "REPORTER"))).toBe(
      true,
    );
  });

  it("shows a grid worker only the events of their grid", async () => {
    const sample = await hub.db.event.findFirstOrThrow({
      include: { area: true },
      where: { area: { level: "GRID" } },
    });
    const token = await hub.token({ roles: ["grid_worker"], areas: [sample.area.code] });
    const r = await hub.gql<{ events: { edges: { node: { area: { code: string } } }[] } }>(
      `{ events(first: 100) { edges { node { area { code } } } } }`,
      { token },
    );
    expect(r.data!.events.edges.length).toBeGreaterThan(0);
    expect(new Set(r.data!.events.edges.map((e) => e.node.area.code))).toEqual(new Set([sample.area.code]));
  });
});

describe("person", () => {
  async function someCitizenId(where = {}): Promise<string> {
    const p = await hub.db.person.findFirstOrThrow({ where: { citizenId: { not: null }, ...where } });
    return p.citizenId!;
  }

  it("is found by the legacy and dirty spellings of the ID", async () => {
    const id = await someCitizenId({ citizenId: { endsWith: "X" } });
    const token = await commander();
    for (const spelling of [
      id,
      id.toLowerCase(),
      ` ${id.slice(0, 6)} ${id.slice(6)} `,
      id.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
    ]) {
      const r = await hub.gql<{ person: { citizenId: string } | null }>(
        `query($id: String!) { person(citizenId: $id) { citizenId } }`,
        { token, variables: { id: spelling } },
      );
      expect(r.data?.person?.citizenId, spelling).toBe(id);
    }
  });

  it("names the field of an ID that cannot be read", async () => {
    const r = await hub.gql(`{ person(citizenId: "12345") { name } }`, { token: await commander() });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "citizenId" });
  });

  it("refuses a look-up by citizen ID without a purpose, naming the field and the purposes that unlock it", async () => {
    const id = await someCitizenId();
    const q = `query($id: String!) { person(citizenId: $id) { name citizenId phone } }`;
    const noPurpose = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const a = await hub.gql<{ person: { name: string; citizenId: string } | null }>(q, {
      token: noPurpose,
      variables: { id },
    });
    expect(a.data?.person ?? null).toBeNull();
    expect(a.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", field: "Query.person" });
    expect(a.errors?.[0]?.message).toContain("EMERGENCY_RESPONSE");
    // Positive control: the same look-up with a purpose that unlocks it.
    const withPurpose = await hub.token({
      roles: ["city_commander"],
      areas: ["320600"],
      purpose: "CASE_HANDLING",
      purposeRef: "110-2026-0001",
    });
    const b = await hub.gql<{ person: { name: string; citizenId: string } }>(q, {
      token: withPurpose,
      variables: { id },
    });
    expect(b.errors).toBeUndefined();
    expect(b.data!.person.citizenId).toBe(id);
  });
});

describe("assistanceStatus, served live", () => {
  async function recipients(n: number): Promise<string[]> {
    const links = await hub.db.entitySource.findMany({
      where: {
        entityType: "PERSON",
        sourceRecord: { connectorId: "civil-affairs", sourceKey: { startsWith: "assistance:" } },
      },
      select: { entityId: true },
      take: 500,
    });
    const persons = await hub.db.person.findMany({
      where: { id: { in: links.map((l) => l.entityId) }, citizenId: { not: null } },
      select: { citizenId: true },
      take: n,
    });
    return persons.map((p) => p.citizenId!);
  }

  it("asks civil affairs once per request for every person in it, and matches answers by ID", async () => {
    lookupCalls = [];
    const r = await hub.gql<{
      events: {
        edges: {
          node: {
            persons: {
              person: {
                citizenId: string | null;
                assistanceStatus: { status: string; category: string } | null;
              };
            }[];
          };
        }[];
      };
    }>(
      `{ events(under: "320602", first: 60) { edges { node { persons { person { citizenId assistanceStatus { status category } } } } } } }`,
      { token: await commander() },
    );
    expect(r.errors, JSON.stringify(r.errors?.slice(0, 2))).toBeUndefined();
    const persons = r.data!.events.edges.flatMap((e) => e.node.persons.map((p) => p.person));
    const ids = [...new Set(persons.map((p) => p.citizenId).filter((id): id is string => id !== null))];
    expect(ids.length).toBeGreaterThan(10);
    expect(lookupCalls).toHaveLength(1);
    expect(new Set(lookupCalls[0])).toEqual(new Set(ids));

    // The truth, asked directly: the sandbox answers in shuffled order, the hub must not care.
    const truth = (await (
      await fetch(`${sandbox.urls.civilAffairs}/api/assistance/status`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids }),
      })
    ).json()) as { results: { id: string; status: string; category: string }[] };
    for (const p of persons) {
      if (!p.citizenId) continue;
      const expected = truth.results.find((t) => t.id === p.citizenId);
      expect(p.assistanceStatus?.status ?? null).toBe(expected?.status ?? null);
      expect(p.assistanceStatus?.category ?? null).toBe(expected?.category ?? null);
    }
  });

  it("is null with an error naming the connector when civil affairs fails, and the rest is intact", async () => {
    const [id] = await recipients(1);
    await fetch(`${sandbox.urls.civilAffairs}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "error500" }),
    });
    try {
      const r = await hub.gql<{ person: { name: string; assistanceStatus: unknown } }>(
        `query($id: String!) { person(citizenId: $id) { name assistanceStatus { status } } }`,
        { token: await commander(), variables: { id } },
      );
      expect(r.data?.person.name).toBeTruthy();
      expect(r.data?.person.assistanceStatus).toBeNull();
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: "UPSTREAM_UNAVAILABLE",
        connector: "civil-affairs",
      });
      expect(r.errors?.[0]?.path).toEqual(["person", "assistanceStatus"]);
    } finally {
      await fetch(`${sandbox.urls.civilAffairs}/_sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mode: "none" }),
      });
    }
  });

  it("is refused without a declared purpose", async () => {
    const [id] = await recipients(1);
    const token = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const r = await hub.gql(
      `query($id: String!) { person(citizenId: $id) { assistanceStatus { status } } }`,
      {
        token,
        variables: { id },
      },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
