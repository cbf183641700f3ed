import { describe, expect, it } from "vitest";
import {
  CITIZEN_ID_WEIGHTS,
  type CitizenIdProblem,
  citizenIdCheckChar,
  normaliseCitizenId,
  PROVINCE_CODES,
} from "../../../domain/identifiers/index.js";
import { digits, pick, seededRandom, substitute } from "./random.js";

const TODAY = new Date("2025-06-15T04:00:00Z");
const EXAMPLE = "11010519491231002X";

/** Build a valid ID from its parts. */
function makeId(address: string, birth: string, seq: string): string {
  const body = address + birth + seq;
  return body + citizenIdCheckChar(body);
}

describe("citizenIdCheckChar", () => {
  it("uses the weights 2^(18−i) mod 11", () => {
    expect(CITIZEN_ID_WEIGHTS).toEqual(Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11));
  });

  it.each([
    ["11010519491231002", "X"],
    // (12 − 0) mod 11 = 1
    ["00000000000000000", "1"],
    // 2 = last weight: S = 2, (12 − 2) mod 11 = 10 → X
    ["00000000000000001", "X"],
    // S = 1 (digit 1 at weight 1, position 8): (12 − 1) mod 11 = 0
    ["00000001000000000", "0"],
    // computed independently
    ["32060219800101123", "5"],
    ["32068219751103456", "5"],
    ["34052419800101001", "X"],
  ])("%s → %s", (first17, check) => {
    expect(citizenIdCheckChar(first17)).toBe(check);
  });

  it.each(["", "1101051949123100", "110105194912310021", "1101051949123100A"])(
    "returns no check char for malformed input %j",
    (bad) => {
      expect(citizenIdCheckChar(bad)).toBe("");
    },
  );
});

describe("normaliseCitizenId: worked examples", () => {
  it("accepts 11010519491231002X (female, born 1949-12-31)", () => {
    expect(normaliseCitizenId(EXAMPLE, TODAY)).toEqual({
      ok: true,
      value: EXAMPLE,
      birthDate: "1949-12-31",
      sex: "FEMALE",
      addressCode: "110105",
      upgradedFrom15: false,
    });
  });

  it("upgrades the legacy 110105491231002", () => {
    expect(normaliseCitizenId("110105491231002", TODAY)).toEqual({
      ok: true,
      value: EXAMPLE,
      birthDate: "1949-12-31",
      sex: "FEMALE",
      addressCode: "110105",
      upgradedFrom15: true,
    });
  });

  it.each([
    ["lower-case x", "11010519491231002x"],
    ["full-width digits and X", "１１０１０５１９４９１２３１００２Ｘ"],
    ["full-width lower-case x", "１１０１０５１９４９１２３１００２ｘ"],
    ["spaces", " 110105 19491231 002X "],
    ["ideographic space and NBSP", "110105\u300019491231\u00a0002X"],
    ["hyphens", "110105-19491231-002X"],
    ["full-width hyphens", "110105－19491231－002X"],
    ["zero-width space", "110105\u200b19491231002X"],
    ["legacy 15 with spaces", "110105 491231 002"],
  ])("normalises %s", (_label, raw) => {
    const r = normaliseCitizenId(raw, TODAY);
    expect(r.ok && r.value).toBe(EXAMPLE);
  });

  it("reports 110105194912310021 as BAD_CHECK_CHAR but keeps it as a low-trust key", () => {
    expect(normaliseCitizenId("110105194912310021", TODAY)).toEqual({
      ok: false,
      reason: "BAD_CHECK_CHAR",
      detail: "check char is 1, expected X",
      lowTrustKey: "110105194912310021",
    });
  });
});

describe("normaliseCitizenId: reasons", () => {
  const nantong = "320602";
  const futureBirth = makeId(nantong, "20250616", "001");
  const badProvince = makeId("990602", "19800101", "001");
  const feb30 = makeId(nantong, "19800230", "001");
  const month13 = makeId(nantong, "19801301", "001");
  const before1900 = makeId(nantong, "18991231", "001");
  const notLeap1900 = makeId(nantong, "19000229", "001");
  const province00 = makeId("000000", "19800101", "001");
  const province83 = makeId("830000", "19800101", "001");

  it.each<[string, string, CitizenIdProblem, string | null]>([
    ["empty", "", "EMPTY", null],
    ["only spaces", " \u3000\u00a0 ", "EMPTY", null],
    ["only hyphens", "--", "EMPTY", null],
    ["a letter", "11010519491231002A", "BAD_CHARACTERS", null],
    ["punctuation", "110105.19491231.002X", "BAD_CHARACTERS", null],
    ["X not last", "1101051949123100X2", "BAD_CHARACTERS", null],
    ["X in a legacy 15", "11010549123100X", "BAD_CHARACTERS", null],
    ["17 chars", "11010519491231002", "BAD_LENGTH", null],
    ["19 chars", "11010519491231002X1", "BAD_LENGTH", null],
    ["16 chars", "1101054912310021", "BAD_LENGTH", null],
    ["province 99", badProvince, "BAD_ADDRESS_CODE", badProvince],
    ["province 00", province00, "BAD_ADDRESS_CODE", province00],
    ["province 83 (not in the table)", province83, "BAD_ADDRESS_CODE", province83],
    ["February 30", feb30, "BAD_BIRTH_DATE", feb30],
    ["month 13", month13, "BAD_BIRTH_DATE", month13],
    ["before 1900", before1900, "BAD_BIRTH_DATE", before1900],
    ["1900-02-29 (1900 is no leap year)", notLeap1900, "BAD_BIRTH_DATE", notLeap1900],
    ["born tomorrow", futureBirth, "BAD_BIRTH_DATE", futureBirth],
    ["legacy 15 with a bad date", "320602801301001", "BAD_BIRTH_DATE", makeId(nantong, "19801301", "001")],
    ["wrong check", `${EXAMPLE.slice(0, 17)}5`, "BAD_CHECK_CHAR", `${EXAMPLE.slice(0, 17)}5`],
  ])("%s → %s", (_label, raw, reason, lowTrustKey) => {
    const r = normaliseCitizenId(raw, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.detail.length).toBeGreaterThan(0);
    expect(r.lowTrustKey).toBe(lowTrustKey);
  });

  it("reports a plausibility problem before a bad check char", () => {
    const r = normaliseCitizenId(`${badProvince.slice(0, 17)}${badProvince[17] === "1" ? "2" : "1"}`, TODAY);
    expect(r.ok || r.reason).toBe("BAD_ADDRESS_CODE");
  });
});

describe("normaliseCitizenId: fields", () => {
  it.each([
    ["1", "MALE"],
    ["2", "FEMALE"],
    ["9", "MALE"],
    ["0", "FEMALE"],
  ])("17th digit %s → %s", (seqDigit, sex) => {
    const r = normaliseCitizenId(makeId("320602", "19800101", `00${seqDigit}`), TODAY);
    expect(r.ok && r.sex).toBe(sex);
  });

  it.each([
    ["leap day 2000-02-29", "20000229", "2000-02-29"],
    ["first day of 1900", "19000101", "1900-01-01"],
    ["today in China", "20250615", "2025-06-15"],
  ])("accepts %s", (_label, birth, birthDate) => {
    const r = normaliseCitizenId(makeId("320602", birth, "001"), TODAY);
    expect(r.ok && r.birthDate).toBe(birthDate);
  });

  it("takes 'today' in China time whatever the host zone", () => {
    // 2024-05-31T16:30Z is already 2024-06-01 00:30 in Beijing
    const id = makeId("320602", "20240601", "001");
    expect(normaliseCitizenId(id, new Date("2024-05-31T16:30:00Z")).ok).toBe(true);
    expect(normaliseCitizenId(id, new Date("2024-05-31T15:30:00Z")).ok).toBe(false);
  });

  it("has every province code as two digits", () => {
    expect(Object.keys(PROVINCE_CODES)).toHaveLength(34);
    for (const code of Object.keys(PROVINCE_CODES)) expect(code).toMatch(/^\d{2}$/);
  });
});

describe("normaliseCitizenId: properties", () => {
  const rand = seededRandom(11643);
  const provinces = Object.keys(PROVINCE_CODES);
  const randomValidId = (): string => {
    const birth = new Date(Date.UTC(1900, 0, 1) + Math.floor(rand() * 125 * 365.25 * 86_400_000));
    const yyyymmdd = birth.toISOString().slice(0, 10).replace(/-/g, "");
    return makeId(pick(rand, provinces) + digits(rand, 4), yyyymmdd, digits(rand, 3));
  };
  const ids = Array.from({ length: 500 }, randomValidId);

  it("accepts every random body with its computed check char", () => {
    for (const id of ids) expect(normaliseCitizenId(id, TODAY)).toMatchObject({ ok: true, value: id });
  });

  it("satisfies ISO 7064 MOD 11-2: Σ a_i·2^(18−i) ≡ 1 (mod 11) over all 18 chars", () => {
    for (const id of ids) {
      const sum = [...id].reduce((s, ch, i) => s + (ch === "X" ? 10 : Number(ch)) * (2 ** (17 - i) % 11), 0);
      expect(sum % 11).toBe(1);
    }
  });

  it("rejects every single-character substitution, keeping a low-trust key", () => {
    for (const id of ids.slice(0, 100)) {
      for (let i = 0; i < 18; i++) {
        const corrupted = substitute(rand, id, i, i === 17 ? "0123456789X" : "0123456789");
        const r = normaliseCitizenId(corrupted, TODAY);
        expect(r).toMatchObject({ ok: false, lowTrustKey: corrupted });
      }
    }
  });

  it("round-trips legacy 15-digit IDs", () => {
    for (const id of ids.filter((x) => x.slice(6, 8) === "19").slice(0, 100)) {
      const legacy = id.slice(0, 6) + id.slice(8, 17);
      expect(normaliseCitizenId(legacy, TODAY)).toMatchObject({ ok: true, value: id, upgradedFrom15: true });
    }
  });
});
