// Canonical values: which claim an attribute shows, by the rule table, and every claim explained.
import { describe, expect, it } from "vitest";
import {
  type Claim,
  chooseValue,
  explainAttributes,
  PERSON_ATTRIBUTE_RULES,
} from "../../../domain/resolution/source-priority.js";

const claim = (
  value: string,
  department: string,
  at: string,
  extra: Partial<Claim<string>> = {},
): Claim<string> => ({
  value,
  department,
  at: new Date(at),
  source: `${department}/${value}`,
  ...extra,
});

describe("choosing a canonical value", () => {
  it("takes the population registry's name over a newer hotline one", () => {
    const choice = chooseValue(PERSON_ATTRIBUTE_RULES.name!, [
      claim("王建国", "public_security", "2026-01-01"),
      claim("王健国", "hotline_12345", "2026-11-01"),
    ]);
    expect(choice).toMatchObject({ value: "王建国", conflict: true });
  });
  it("takes the newest phone, then the more authoritative source", () => {
    const rule = PERSON_ATTRIBUTE_RULES.phone!;
    expect(
      chooseValue(rule, [
        claim("13800000001", "public_security", "2026-01-01"),
        claim("13900000002", "hotline_12345", "2026-11-01"),
      ])?.value,
    ).toBe("13900000002");
    expect(
      chooseValue(rule, [
        claim("13800000001", "hotline_12345", "2026-11-01"),
        claim("13900000002", "public_security", "2026-11-01"),
      ])?.value,
    ).toBe("13900000002");
  });
  it("ranks a stand-in (王先生) below any real value", () => {
    expect(
      chooseValue(PERSON_ATTRIBUTE_RULES.name!, [
        claim("王先生", "public_security", "2026-11-01", { weak: true }),
        claim("王建国", "hotline_12345", "2026-01-01"),
      ])?.value,
    ).toBe("王建国");
  });
  it("ranks unknown departments last and breaks full ties by source, so the choice is stable", () => {
    const a = claim("甲", "housing", "2026-01-01");
    const b = claim("乙", "housing", "2026-01-01");
    expect(chooseValue(PERSON_ATTRIBUTE_RULES.name!, [a, b])?.value).toBe(
      chooseValue(PERSON_ATTRIBUTE_RULES.name!, [b, a])?.value,
    );
    expect(chooseValue(PERSON_ATTRIBUTE_RULES.name!, [a, claim("丙", "grid", "2020-01-01")])?.value).toBe(
      "丙",
    );
  });
  it("chooses nothing without claims, and sees no conflict in agreement", () => {
    expect(chooseValue(PERSON_ATTRIBUTE_RULES.name!, [])).toBeNull();
    expect(
      chooseValue(PERSON_ATTRIBUTE_RULES.name!, [
        claim("张三", "grid", "2026-01-01"),
        claim("张三", "petition", "2026-02-01"),
      ])?.conflict,
    ).toBe(false);
  });
});

describe("explaining every attribute", () => {
  it("lists each value with its sources, the chosen one first, attributes in order", () => {
    const claims = new Map<string, Claim<string>[]>([
      ["phone", [claim("1", "grid", "2026-01-01"), claim("1", "petition", "2026-01-02")]],
      [
        "address.RESIDENT",
        [
          claim("青年路1号101室", "grid", "2026-01-01"),
          claim("人民路9号202室", "civil_affairs", "2026-06-01"),
        ],
      ],
    ]);
    const explained = explainAttributes(PERSON_ATTRIBUTE_RULES, claims);
    expect(explained.map((e) => e.attribute)).toEqual(["address.RESIDENT", "phone"]);
    expect(explained[0]).toMatchObject({ value: "人民路9号202室", conflict: true });
    expect(explained[0]!.values.map((v) => [v.value, v.chosen])).toEqual([
      ["人民路9号202室", true],
      ["青年路1号101室", false],
    ]);
    expect(explained[1]!.values).toHaveLength(1);
    expect(explained[1]!.values[0]!.claims.map((c) => c.department)).toEqual(["grid", "petition"]);
  });
});
