// map() of a declarative connector: the definition's JSONata mapping evaluated synchronously on
// any record it is handed (no sync() needed first), its output checked against the drafts.
import { afterAll, describe, expect, it } from "vitest";
import type { JsonValue, SourceRecordInput } from "../../../connectors/contract.js";
import { createDeclarativeConnector } from "../../../connectors/declarative/connector.js";
import type { DeclarativeDefinitionInput } from "../../../connectors/declarative/definition.js";
import { closeEvaluator, createEvaluator, evaluateSync } from "../../../connectors/declarative/evaluator.js";
import example from "../../../connectors/declarative/examples/housing-rentals.json" with { type: "json" };

const EXAMPLE = example as DeclarativeDefinitionInput;

/** A registration as the housing system's API returns it. */
const RENTAL = {
  登记编号: "ZL2026000042",
  出租人姓名: "张伟",
  出租人身份证号: "320602197001010019",
  出租人联系电话: "13900000042",
  承租人姓名: "李娜",
  承租人身份证号: "32060219900505002X",
  承租人联系电话: "15800000042",
  房屋地址: "崇川区城东街道友谊社区工农路42号3幢402室",
  网格编码: "320602001001001",
  租赁起始日期: "2026-03-01",
  租赁截止日期: "2027-02-28",
  月租金: 1800,
  登记机关: "崇川区住房和城乡建设局",
  登记日期: "2026-03-02 10:15:00",
  状态: "已核实",
} satisfies Record<string, JsonValue>;

const record = (changes: Record<string, JsonValue> = {}, sourceKey = "ZL2026000042"): SourceRecordInput => ({
  sourceKey,
  payload: { ...RENTAL, ...changes },
});

const withMapping = (expression: string) =>
  createDeclarativeConnector({ ...EXAMPLE, mapping: { language: "JSONata", expression } });

afterAll(() => closeEvaluator());

describe("declarative map() with the housing-rentals example", () => {
  const connector = createDeclarativeConnector(EXAMPLE);

  it("maps a registration to landlord, tenant and a grid event", () => {
    expect(connector.map(record())).toEqual({
      ok: true,
      drafts: [
        {
          element: "PERSON",
          ref: "landlord",
          citizenId: "320602197001010019",
          name: "张伟",
          phone: "13900000042",
        },
        {
          element: "PERSON",
          ref: "tenant",
          citizenId: "32060219900505002X",
          name: "李娜",
          phone: "15800000042",
          addresses: [
            {
              kind: "RESIDENT",
              text: "崇川区城东街道友谊社区工农路42号3幢402室",
              areaCode: "320602001001001",
            },
          ],
        },
        {
          element: "EVENT",
          ref: "registration",
          kind: "GRID_REPORT",
          title: "出租房屋登记 ZL2026000042",
          occurredAt: "2026-03-02T10:15:00+08:00",
          reportedAt: "2026-03-02T10:15:00+08:00",
          areaCode: "320602001001001",
          addressText: "崇川区城东街道友谊社区工农路42号3幢402室",
          status: "VERIFIED",
          handlingUnit: "崇川区住房和城乡建设局",
          details: {
            registrationNo: "ZL2026000042",
            leaseStart: "2026-03-01",
            leaseEnd: "2027-02-28",
            monthlyRent: 1800,
          },
          persons: [
            { ref: "tenant", role: "SUBJECT" },
            { ref: "landlord", role: "PARTY" },
          ],
          organisations: [],
        },
      ],
    });
  });

  it("maps the same registration read from CSV or XML (every cell text) to the same drafts", () => {
    const asText = Object.fromEntries(Object.entries(RENTAL).map(([k, v]) => [k, String(v)]));
    expect(connector.map({ sourceKey: "ZL2026000042", payload: asText })).toEqual(connector.map(record()));
  });

  it("leaves out what the source left empty", () => {
    const outcome = connector.map(record({ 出租人身份证号: "", 出租人联系电话: " ", 登记机关: "" }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.drafts[0]).toEqual({ element: "PERSON", ref: "landlord", name: "张伟" });
    expect(outcome.drafts[2]).not.toHaveProperty("handlingUnit");
  });

  it("maps any record handed to it, e.g. one a webhook or a quarantine replay brings", () => {
    // nothing was synced: map() does not depend on sync() having seen the record
    const fresh = createDeclarativeConnector(EXAMPLE);
    const outcome = fresh.map(record({ 登记编号: "ZL2099000001" }, "ZL2099000001"));
    expect(outcome.ok && outcome.drafts[2]).toMatchObject({ title: "出租房屋登记 ZL2099000001" });
  });

  it("names the draft field a bad source value ends up in", () => {
    expect(connector.map(record({ 登记日期: "2026-02-30 10:00:00" }))).toEqual({
      ok: false,
      problems: [
        {
          code: "INVALID_VALUE",
          field: "drafts[2].occurredAt",
          message: expect.stringMatching(
            /^record ZL2026000042: drafts\[2\]\.occurredAt: expected an ISO 8601 date-time .*got "2026-02-30T10:00:00\+08:00"$/,
          ),
        },
        {
          code: "INVALID_VALUE",
          field: "drafts[2].reportedAt",
          message: expect.stringContaining("expected an ISO 8601 date-time"),
        },
      ],
    });
    const unknownStatus = connector.map(record({ 状态: "待审核" }));
    expect(unknownStatus).toEqual({
      ok: false,
      problems: [
        {
          code: "MISSING_FIELD",
          field: "drafts[2].status",
          message: expect.stringContaining("drafts[2].status: required (one of REPORTED"),
        },
      ],
    });
  });

  it("reports a JSONata runtime error as INVALID_VALUE with its message and position", () => {
    const outcome = connector.map(record({ 月租金: "面议" }));
    expect(outcome).toEqual({
      ok: false,
      problems: [
        {
          code: "INVALID_VALUE",
          field: "mapping.expression",
          message: expect.stringMatching(
            /^record ZL2026000042: JSONata D3030 at position \d+ \(token "number"\): Unable to cast value to a number: "面议"$/,
          ),
        },
      ],
    });
  });

  it("refuses a payload that is not a record", () => {
    expect(connector.map({ sourceKey: "x", payload: ["not", "a", "record"] })).toEqual({
      ok: false,
      problems: [
        { code: "MALFORMED_RECORD", field: "payload", message: expect.stringContaining("a list of 3") },
      ],
    });
  });
});

describe("declarative map() with other mappings", () => {
  it("binds $sourceKey", () => {
    const c = withMapping('{"element": "PERSON", "ref": "p", "name": $sourceKey & "/" & 承租人姓名}');
    expect(c.map(record({}, "K-1"))).toEqual({
      ok: true,
      drafts: [{ element: "PERSON", ref: "p", name: "K-1/李娜" }],
    });
  });

  it("turns a wrong shape into problems naming the draft field", () => {
    const c = withMapping(
      '[{"element": "PERSON", "ref": "t", "name": 承租人姓名, "phone": $number(承租人联系电话)},' +
        ' {"element": "EVENT", "ref": "e", "kind": "RENTAL", "title": 登记编号, "occurredAt": 登记日期,' +
        ' "reportedAt": 登记日期, "areaCode": 网格编码, "status": "REPORTED", "persons": {"ref": "t", "role": "SUBJECT"}}]',
    );
    const outcome = c.map(record());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems.map((p) => [p.code, p.field])).toEqual([
      ["INVALID_VALUE", "drafts[0].phone"],
      ["INVALID_VALUE", "drafts[1].kind"],
      ["INVALID_VALUE", "drafts[1].occurredAt"],
      ["INVALID_VALUE", "drafts[1].reportedAt"],
      ["INVALID_VALUE", "drafts[1].persons"],
      ["MISSING_FIELD", "drafts[1].organisations"],
    ]);
    expect(outcome.problems[2]!.message).toContain(
      'drafts[1].occurredAt: expected an ISO 8601 date-time with an offset (e.g. 2026-01-05T09:30:00+08:00), got "2026-03-02 10:15:00"',
    );
  });

  it("refuses an element kind the manifest does not produce, even when computed", () => {
    const c = withMapping(
      '{"element": $uppercase("organisation"), "ref": "o", "name": 登记机关, "kind": "GOVERNMENT_UNIT"}',
    );
    expect(c.map(record())).toEqual({
      ok: false,
      problems: [
        {
          code: "INVALID_VALUE",
          field: "drafts[0].element",
          message: expect.stringContaining(
            "ORGANISATION is not among the element kinds the manifest produces",
          ),
        },
      ],
    });
  });
});

describe("evaluateSync", () => {
  it("returns plain JSON (JSONata sequences become arrays)", () => {
    expect(evaluateSync("items.n", { items: [{ n: 1 }, { n: 2 }] })).toEqual({ ok: true, value: [1, 2] });
    expect(evaluateSync("missing", {})).toEqual({ ok: true, value: undefined });
  });

  it("refuses a function as output", () => {
    const r = evaluateSync('{"f": function($x) { $x }}', {});
    expect(r).toMatchObject({
      ok: false,
      error: { code: "NON_JSON", message: expect.stringContaining("result.f") },
    });
  });

  it("stops runaway recursion and long evaluations with JSONata's guardrails", () => {
    const deep = evaluateSync("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", {});
    expect(deep).toMatchObject({ ok: false, error: { code: "D1011" } });
    const started = Date.now();
    const long = evaluateSync(
      "($loop := function($n) { $n > 0 ? $loop($n - 1) : 0 }; $loop(1000000000))",
      {},
    );
    expect(long).toMatchObject({ ok: false, error: { code: "D1012" } });
    expect(Date.now() - started).toBeLessThan(10_000);
    // and the evaluator still works afterwards
    expect(evaluateSync("1 + 1", {})).toEqual({ ok: true, value: 2 });
  }, 30_000);

  it("gives up on what JSONata cannot interrupt, and starts afresh", async () => {
    const evaluator = createEvaluator({ graceMs: 300 });
    try {
      expect(evaluator.evaluate("$uppercase(s)", { s: "ok" })).toEqual({ ok: true, value: "OK" });
      const started = Date.now();
      // catastrophic backtracking: one regex step JSONata's timeout never gets between
      const stuck = evaluator.evaluate("$contains(s, /^(a+)+$/)", { s: `${"a".repeat(40)}b` });
      expect(stuck).toMatchObject({ ok: false, error: { code: "TIMEOUT" } });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(evaluator.evaluate("$uppercase(s)", { s: "again" })).toEqual({ ok: true, value: "AGAIN" });
    } finally {
      await evaluator.close();
    }
  }, 30_000);

  it("is quick enough for pages of thousands of records", () => {
    const c = createDeclarativeConnector(EXAMPLE);
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) expect(c.map(record({ 登记编号: `ZL${i}` }, `ZL${i}`)).ok).toBe(true);
    // ~0.5 ms a record on an idle machine (mostly JSONata itself); generous for a loaded CI
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
