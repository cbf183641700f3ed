// The composition root's shutdown: steps added with onShutdown run after HTTP and WebSocket have
// drained and while the database is still open (an audit writer's last flush), latest first.
import { describe, expect, it } from "vitest";
import { startTestHub } from "../support/hub.js";

describe("bootHub's shutdown", () => {
  it("runs added steps between the drain and the database's close, latest first, once", async () => {
    const hub = await startTestHub();
    const seen: string[] = [];
    hub.booted.onShutdown("first added", async () => {
      const [row] = await hub.db.$queryRaw<{ one: number }[]>`SELECT 1 AS one`;
      seen.push(`first: database ${row?.one === 1 ? "open" : "closed"}`);
    });
    hub.booted.onShutdown("second added", async () => {
      const served = await fetch(`${hub.url}/healthz`).then(
        () => "served",
        () => "refused",
      );
      seen.push(`second: HTTP ${served}`);
    });
    hub.booted.onShutdown("failing", () => {
      throw new Error("a failing step does not stop the others");
    });
    await Promise.all([hub.stop(), hub.booted.shutdown()]);
    expect(seen).toEqual(["second: HTTP refused", "first: database open"]);
    expect(hub.logs.some((l) => l.includes('"step":"failing"') && l.includes("shutdown step failed"))).toBe(
      true,
    );
    expect(() => hub.booted.onShutdown("late", () => {})).toThrow(/shutting down/);
  });
});
