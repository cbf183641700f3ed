// Log lines carry no personal values: personal fields are censored, and citizen IDs and mobile
// numbers inside any string (the message, an error, a nested field) are masked.
import { describe, expect, it } from "vitest";
import { CENSORED, createLogger } from "../../gateway/logger.js";

const CITIZEN_ID = "32060219800101123X";
const MOBILE = "13912345678";

function capture(level: "debug" | "info" = "info") {
  const lines: string[] = [];
  const log = createLogger(level, (line) => lines.push(line));
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("the logger", () => {
  it("writes one JSON line per event with time, level, message and fields", () => {
    const { log, parsed } = capture();
    log.info("hub listening", { port: 4000 });
    const [line] = parsed();
    expect(line).toMatchObject({ level: "info", msg: "hub listening", port: 4000 });
    expect(new Date(line!.time as string).getTime()).not.toBeNaN();
  });

  it("drops events below its level and keeps child bindings", () => {
    const { log, parsed } = capture("info");
    log.debug("noise");
    log.child({ connector: "grid" }).warn("sync failed", { attempt: 2 });
    expect(parsed()).toEqual([
      expect.objectContaining({ msg: "sync failed", connector: "grid", attempt: 2 }),
    ]);
  });

  it("masks a citizen ID and a mobile number inside the message and inside free-text fields", () => {
    const { log, lines } = capture();
    log.warn(`record for ${CITIZEN_ID} rejected`, {
      error: `caller ${MOBILE} gave id ${CITIZEN_ID.toLowerCase()}`,
      detail: { reason: [`+86 ${MOBILE}`] },
    });
    const raw = lines.join("");
    expect(raw).not.toContain(CITIZEN_ID.slice(0, 17));
    expect(raw).not.toContain(MOBILE);
    const [line] = lines.map((l) => JSON.parse(l));
    expect(line.msg).toBe("record for [citizen-id] rejected");
    expect(line.error).toBe("caller [mobile] gave id [citizen-id]");
  });

  it("censors fields with personal keys, at the top and nested", () => {
    const { log, parsed } = capture();
    log.info("ingested", {
      name: "张伟",
      phone: MOBILE,
      record: { citizenId: CITIZEN_ID, address: "崇川区1号" },
      page: { records: [{ parties: [{ name: "李娜", role: "CALLER" }] }] },
      count: 3,
    });
    const [line] = parsed();
    expect(line).toMatchObject({
      name: CENSORED,
      phone: CENSORED,
      record: { citizenId: CENSORED, address: CENSORED },
      page: { records: [{ parties: [{ name: CENSORED, role: "CALLER" }] }] },
      count: 3,
    });
  });

  it("masks an Error's message and stack", () => {
    const { log, lines } = capture();
    log.error("request failed", { err: new Error(`duplicate key ${CITIZEN_ID}`) });
    expect(lines.join("")).not.toContain(CITIZEN_ID);
    expect(lines.join("")).toContain("duplicate key [citizen-id]");
  });
});
