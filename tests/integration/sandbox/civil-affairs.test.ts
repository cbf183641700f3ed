// Civil affairs: the GB18030 CSV export (rare characters survive the round trip), the RFC 4180
// parser, and the live assistance-status lookup (shuffled answers matched by id).
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCsvReply } from "../../../connectors/departments/civil-affairs/source.js";
import { CsvSyntaxError, parseCsv, type UpstreamReply } from "../../../connectors/http.js";
import { normaliseCitizenId } from "../../../domain/identifiers/citizen-id.js";
import { iterateDataset } from "../../../sandbox/generator/dataset.js";
import type { CivilAssistanceRow } from "../../../sandbox/generator/index.js";
import { siloDatasets } from "../../../sandbox/generator/silos/index.js";
import { RARE_CHARACTERS } from "../../../sandbox/generator/tables/names.js";
import { encodeGb18030, toCsv } from "../../../sandbox/services/csv.js";
import type { Sandbox } from "../../../sandbox/services/index.js";
import { sourcesFor, startSmallSandbox, syncToEnd, testCtx } from "./support.js";

let sandbox: Sandbox;
let sources: ReturnType<typeof sourcesFor>;
let rows: CivilAssistanceRow[];

beforeAll(async () => {
  sandbox = await startSmallSandbox({ only: ["civilAffairs"] });
  sources = sourcesFor(sandbox);
  const ds = siloDatasets(sandbox.city).find((d) => d.name === "assistance")!;
  rows = [...iterateDataset(ds)].map((e) => e.record as CivilAssistanceRow);
});
afterAll(() => sandbox?.stop());

const rare = new Set(RARE_CHARACTERS.map(([c]) => c));
const hasRare = (s: string | null) => s !== null && [...s].some((c) => rare.has(c));

function reply(body: Buffer, headers: Record<string, string>): UpstreamReply {
  return {
    method: "GET",
    url: "http://test.invalid/x.csv",
    status: 200,
    headers: new Headers(headers),
    body,
  };
}
const opts = { baseUrl: "http://test.invalid", connectorId: "civil-affairs", timeoutMs: 1000 };

describe("GB18030 CSV export", () => {
  it("answers GB18030 bytes with a Chinese header row and the paging headers", async () => {
    const res = await fetch(`${sandbox.urls.civilAffairs}/export/assistance.csv?offset=0&limit=5000`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=GB18030");
    expect(res.headers.get("x-has-more")).toBe("false");
    expect(res.headers.get("x-next-offset")).toBe(String(rows.length));
    const bytes = Buffer.from(await res.arrayBuffer());
    // not UTF-8: the GB18030 bytes of the header are there
    expect(bytes.includes(iconv.encode("救助对象编号,身份证号码,姓名", "gb18030"))).toBe(true);
    expect(bytes.includes(Buffer.from("救助对象编号", "utf8"))).toBe(false);
    const text = iconv.decode(bytes, "gb18030");
    expect(text.split("\r\n")[0]!.split(",")).toContain("保障金额（元/月）");
  });

  it("round-trips names with rare characters (生僻字) through the client", async () => {
    const rareNames = rows.flatMap((r) => [r.姓名, r.户主姓名]).filter(hasRare);
    expect(rareNames.length).toBeGreaterThan(0);
    const run = await syncToEnd(sources.civilAffairs, 25);
    const served = run.records.flatMap((r) => {
      const rec = (r.payload as { record: Record<string, string> }).record;
      return [rec.姓名, rec.户主姓名];
    });
    for (const name of rareNames) expect(served).toContain(name);
  });

  it("round-trips four-byte GB18030 characters, the name dot and CSV specials", () => {
    const headers = ["编号", "姓名", "备注"];
    const data = [
      ["A1", "王䶮", '含逗号,和"引号"'],
      ["A2", "买买提·艾力", "换行\r\n第二行"],
      ["A3", "𠀀𪚥㐀", ""],
      ["A4", "燚犇淼垚", null],
    ];
    const bytes = encodeGb18030(toCsv(headers, data));
    // 㐀 (U+3400, CJK Ext. A) and 𠀀 (U+20000, Ext. B) are four-byte sequences in GB18030
    expect(iconv.encode("㐀", "gb18030")).toHaveLength(4);
    expect(iconv.encode("𠀀", "gb18030")).toHaveLength(4);
    expect(bytes.includes(iconv.encode("𠀀𪚥㐀", "gb18030"))).toBe(true);
    const decoded = decodeCsvReply(opts, reply(bytes, { "content-type": "text/csv; charset=GB18030" }));
    expect(decoded).toEqual(data.map(([a, b, c]) => ({ 编号: a, 姓名: b, 备注: c ?? "" })));
  });

  it("refuses a CSV body whose rows do not fit the header", () => {
    const bytes = encodeGb18030("编号,姓名\r\nA1,王五,多余\r\n");
    expect(() => decodeCsvReply(opts, reply(bytes, { "content-type": "text/csv; charset=GB18030" }))).toThrow(
      /row 1 has 3 fields/,
    );
    expect(() => decodeCsvReply(opts, reply(bytes, { "content-type": "text/html" }))).toThrow(
      /not text\/csv/,
    );
  });
});

describe("RFC 4180 parser", () => {
  it("handles quoted commas, doubled quotes, line breaks, empty fields, LF and a missing final newline", () => {
    expect(parseCsv('a,b\r\n"x, y","he said ""hi"""\r\n"multi\r\nline",\r\n')).toEqual([
      ["a", "b"],
      ["x, y", 'he said "hi"'],
      ["multi\r\nline", ""],
    ]);
    expect(parseCsv("a,b\nc,d")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseCsv(',,\n"",""\n')).toEqual([
      ["", "", ""],
      ["", ""],
    ]);
    expect(parseCsv("\ufeffh\r\n1\r\n")).toEqual([["h"], ["1"]]);
    expect(parseCsv("")).toEqual([]);
  });

  it("throws on an unterminated quote, text after a closing quote, or a stray quote", () => {
    expect(() => parseCsv('a,"b\r\nc')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('"a"b,c\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('ab"c,d\n')).toThrow(CsvSyntaxError);
  });
});

describe("assistanceStatus lookup", () => {
  /** Citizens with exactly one grant and a well-formed ID: the expected answer is that row. */
  function singleGrantIds(n: number): Map<string, CivilAssistanceRow> {
    const byId = new Map<string, CivilAssistanceRow[]>();
    for (const r of rows) {
      if (!r.身份证号码) continue;
      const id = normaliseCitizenId(r.身份证号码);
      if (!id.ok) continue;
      byId.set(id.value, [...(byId.get(id.value) ?? []), r]);
    }
    return new Map(
      [...byId]
        .filter(([, rs]) => rs.length === 1)
        .slice(0, n)
        .map(([id, rs]) => [id, rs[0]!]),
    );
  }

  it("matches results to keys by id; unknown ids come back null", async () => {
    const known = singleGrantIds(40);
    expect(known.size).toBeGreaterThan(10);
    const unknown = ["110105194912310021", "11010519491231002X"];
    const keys = [...known.keys(), ...unknown];
    const result = await sources.civilAffairs.lookup("assistanceStatus", keys, testCtx());
    expect([...result.keys()].sort()).toEqual([...keys].sort());
    for (const id of unknown) expect(result.get(id)).toBeNull();
    for (const [id, row] of known)
      expect(result.get(id)).toEqual({
        id,
        status: row.状态,
        category: row.救助类别,
        amount: row["保障金额（元/月）"],
      });
  });

  it("the service answers in another order than asked and leaves unknown ids out", async () => {
    const known = [...singleGrantIds(20).keys()];
    const ids = [known[0]!, "110105194912310021", ...known.slice(1)];
    const res = await fetch(`${sandbox.urls.civilAffairs}/api/assistance/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string }[] };
    const order = body.results.map((r) => r.id);
    expect([...order].sort()).toEqual([...known].sort());
    expect(order).not.toEqual(known);
  });

  it("asks nothing for no keys and refuses an unknown lookup name", async () => {
    expect((await sources.civilAffairs.lookup("assistanceStatus", [], testCtx())).size).toBe(0);
    await expect(sources.civilAffairs.lookup("pension", ["x"], testCtx())).rejects.toThrow(
      /no lookup "pension"/,
    );
  });

  it("400 names the parameter when ids is not an array of strings", async () => {
    const res = await fetch(`${sandbox.urls.civilAffairs}/api/assistance/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: [1, 2] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_parameter", parameter: "ids" });
  });
});
