// Three-colour warnings end to end: an event change raises an alert (with its reasons, over the
// alertRaised subscription too); its owners acknowledge and close it; other roles are refused.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub, take } from "../support/hub.js";

let hub: TestHub;
let grid: { id: string; code: string };

beforeAll(async () => {
  hub = await startTestHub();
  const rows = await hub.db.$queryRaw<{ id: string; code: string }[]>`
    SELECT id::text, code FROM "Area" WHERE level = 'GRID' ORDER BY code LIMIT 1`;
  grid = rows[0]!;
});
afterAll(() => hub?.stop());

interface AlertShape {
  id: string;
  rule: string;
  level: string;
  status: string;
  areaCode: string;
  reasons: string[];
  eventIds: string[];
  acknowledgedBy: string | null;
  closedBy: string | null;
}
const ALERT = "{ id rule level status areaCode reasons eventIds acknowledgedBy closedBy }";

describe("a collective petition (集体访)", () => {
  let alertId: string;
  let eventId: string;

  it("raises a YELLOW alert with its reasons, delivered to the centre's subscribers", async () => {
    const commander = await hub.token({ roles: ["city_commander"], areas: ["320600"] });
    const client = hub.wsClient({ authorization: `Bearer ${commander}` });
    const raised = take<{ alertRaised: { cursor: string; alert: AlertShape } }>(
      client,
      { query: `subscription { alertRaised(filter: { levels: [YELLOW, RED] }) { cursor alert ${ALERT} } }` },
      1,
    );
    for (let i = 0; i < 500 && hub.booted.outbox.subscribers === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const event = await hub.db.event.create({
      data: {
        kind: "PETITION",
        title: "征地补偿集体来访",
        occurredAt: new Date(),
        reportedAt: new Date(),
        areaId: grid!.id,
        details: { personCount: 8 },
      },
    });
    eventId = event.id;
    const [first] = await raised;
    const alert = first!.data!.alertRaised.alert;
    expect(alert).toMatchObject({
      rule: "collective-petition",
      level: "YELLOW",
      status: "OPEN",
      areaCode: grid!.code,
      eventIds: [encodeGlobalID("Petition", event.id)],
    });
    expect(alert.reasons[0]).toContain("8 people on one petition");
    alertId = alert.id;
    await client.dispose();

    const listed = await hub.gql<{ alerts: AlertShape[] }>(`{ alerts(status: OPEN) ${ALERT} }`, {
      token: commander,
    });
    expect(listed.data?.alerts.map((a) => a.id)).toContain(alertId);
  });

  it("is not acknowledged by a grid worker (role) nor another district's centre (jurisdiction)", async () => {
    const worker = await hub.token({ roles: ["grid_worker"], areas: [grid!.code] });
    const other = await hub.token({ roles: ["street_operator"], areas: ["320612"] });
    for (const token of [worker, other]) {
      const r = await hub.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }`, {
        token,
        variables: { id: alertId },
      });
      expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    const row = await hub.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    expect(row.status).toBe("OPEN");
  });

  it("is acknowledged by its street centre and closed by the district centre, once", async () => {
    const street = await hub.token({ sub: "street-op-1", roles: ["street_operator"], areas: [grid!.code] });
    const ack = await hub.gql<{ acknowledgeAlert: AlertShape }>(
      `mutation($id: ID!) { acknowledgeAlert(id: $id) ${ALERT} }`,
      { token: street, variables: { id: alertId } },
    );
    expect(ack.errors).toBeUndefined();
    expect(ack.data?.acknowledgeAlert).toMatchObject({
      status: "ACKNOWLEDGED",
      acknowledgedBy: "street-op-1",
    });

    const district = await hub.token({ sub: "district-1", roles: ["district_commander"], areas: ["320600"] });
    const close = await hub.gql<{ closeAlert: AlertShape }>(
      `mutation($id: ID!) { closeAlert(id: $id) ${ALERT} }`,
      {
        token: district,
        variables: { id: alertId },
      },
    );
    expect(close.data?.closeAlert).toMatchObject({ status: "CLOSED", closedBy: "district-1" });
    const again = await hub.gql(`mutation($id: ID!) { closeAlert(id: $id) { status } }`, {
      token: district,
      variables: { id: alertId },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("raises nothing for a petition of fewer people, and a new alert once the old one is closed", async () => {
    await hub.db.event.create({
      data: {
        kind: "PETITION",
        title: "个人来访",
        occurredAt: new Date(),
        reportedAt: new Date(),
        areaId: grid!.id,
        details: { personCount: 2 },
      },
    });
    // the same petition changes again (more people): the closed alert freed its rule and scope
    await hub.db.event.update({
      where: { id: eventId },
      data: { details: { personCount: 9 }, status: "ACCEPTED" },
    });
    await hub.booted.outbox.settle();
    await hub.booted.warnings.settle();
    for (let i = 0; i < 500; i++) {
      if ((await hub.db.alert.count({ where: { rule: "collective-petition", status: "OPEN" } })) > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const alerts = await hub.db.alert.findMany({
      where: { rule: { startsWith: "collective" } },
      orderBy: { raisedAt: "asc" },
    });
    expect(alerts.map((a) => [a.status, a.eventIds])).toEqual([
      ["CLOSED", [eventId]],
      ["OPEN", [eventId]],
    ]);
  });
});
