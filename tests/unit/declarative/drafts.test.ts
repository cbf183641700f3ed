// What a declarative mapping produces is checked against the contract's draft shapes: a wrong
// shape is a MappingProblem naming the draft field, never bad data.
import { describe, expect, it } from "vitest";
import type { ElementDraft, JsonValue } from "../../../connectors/contract.js";
import { checkDrafts, filledFields } from "../../../connectors/declarative/drafts.js";

const at = "2026-01-05T09:30:00+08:00";
const GRID = "320602001001001";

const person = {
  element: "PERSON",
  ref: "tenant",
  citizenId: "32060219800101001X",
  name: "李娜",
  phone: "15800000000",
};
const event = {
  element: "EVENT",
  ref: "registration",
  kind: "GRID_REPORT",
  title: "出租房屋登记 ZL2026000001",
  occurredAt: at,
  reportedAt: at,
  areaCode: GRID,
  status: "REPORTED",
  persons: [{ ref: "tenant", role: "SUBJECT" }],
  organisations: [],
};

/** Every kind of draft, well formed and referring to each other. */
const ALL_KINDS: ElementDraft[] = [
  {
    element: "AREA",
    ref: "grid",
    code: GRID,
    name: "友谊社区第一网格",
    level: "GRID",
    parentCode: "320602001001",
  },
  {
    element: "ADDRESS",
    ref: "home",
    text: "崇川区城东街道友谊社区工农路1号",
    areaCode: GRID,
    latitude: 32.0,
    longitude: 120.9,
  },
  {
    element: "PERSON",
    ref: "tenant",
    citizenId: "32060219800101001X",
    name: "李娜",
    sex: "FEMALE",
    birthDate: "1980-01-01",
    ethnicity: "01",
    phone: null,
    addresses: [{ kind: "RESIDENT", text: "工农路1号", areaCode: GRID }],
  },
  {
    element: "ORGANISATION",
    ref: "agency",
    uscc: null,
    name: "南通安居房屋中介有限公司",
    kind: "ENTERPRISE",
    members: [{ personRef: "tenant", role: "LEGAL_REPRESENTATIVE" }],
  },
  {
    element: "EVENT",
    ref: "registration",
    kind: "GRID_REPORT",
    title: "出租房屋登记",
    description: null,
    occurredAt: at,
    reportedAt: "2026-01-05T01:30:00Z",
    deadlineAt: null,
    areaCode: GRID,
    status: "ACCEPTED",
    warningLevel: "BLUE",
    details: { monthlyRent: 1500, tags: ["合租"], nested: { a: null } },
    persons: [{ ref: "tenant", role: "SUBJECT" }],
    organisations: [{ ref: "agency", role: "AGENT" }],
  },
];

const problemsOf = (output: unknown, produces?: ElementDraft["element"][]) =>
  checkDrafts(output as JsonValue, produces ? { produces } : {}).problems;

describe("checkDrafts", () => {
  it("passes well-formed drafts of every kind through unchanged", () => {
    const r = checkDrafts(ALL_KINDS as unknown as JsonValue);
    expect(r.problems).toEqual([]);
    expect(r.drafts).toEqual(ALL_KINDS);
  });

  it("takes events, addresses and persons' addresses with an address text and no area code (the gazetteer places them)", () => {
    const { areaCode: _, ...noCode } = event;
    const output = [
      { ...person, addresses: [{ kind: "RESIDENT", text: "崇川区和平桥街道工农路12号" }] },
      { ...noCode, addressText: "崇川区和平桥街道工农路12号" },
      { element: "ADDRESS", ref: "home", text: "崇川区和平桥街道工农路12号" },
    ];
    expect(checkDrafts(output as JsonValue)).toMatchObject({ problems: [] });
  });

  it("takes a single draft as a list of one, and [] as no drafts", () => {
    expect(checkDrafts(person)).toEqual({ drafts: [person], problems: [] });
    expect(checkDrafts([])).toEqual({ drafts: [], problems: [] });
  });

  const wrong: { name: string; output: unknown; field: string; code: string; message: RegExp }[] = [
    {
      name: "a date-time that is not ISO 8601",
      output: [person, { ...event, occurredAt: "2026-01-05 09:30" }],
      field: "drafts[1].occurredAt",
      code: "INVALID_VALUE",
      message: /^drafts\[1\]\.occurredAt: expected an ISO 8601 date-time .*got "2026-01-05 09:30"$/,
    },
    {
      name: "a date-time that is not on the calendar",
      output: [person, { ...event, reportedAt: "2026-02-30T10:00:00+08:00" }],
      field: "drafts[1].reportedAt",
      code: "INVALID_VALUE",
      message: /expected an ISO 8601 date-time/,
    },
    {
      name: "a required field left out",
      output: [person, { ...event, title: undefined }],
      field: "drafts[1].title",
      code: "MISSING_FIELD",
      message: /^drafts\[1\]\.title: required/,
    },
    {
      name: "a blank required text",
      output: [person, { ...event, title: "  " }],
      field: "drafts[1].title",
      code: "INVALID_VALUE",
      message: /non-empty text/,
    },
    {
      name: "a value outside its enumeration",
      output: [person, { ...event, status: "DONE" }],
      field: "drafts[1].status",
      code: "INVALID_VALUE",
      message: /expected one of REPORTED, ACCEPTED, .*got "DONE"/,
    },
    {
      name: "a number where text belongs",
      output: [{ ...person, phone: 15800000000 }],
      field: "drafts[0].phone",
      code: "INVALID_VALUE",
      message: /expected text or null, got the number 15800000000/,
    },
    {
      name: "a malformed area code",
      output: [person, { ...event, areaCode: "3206" }],
      field: "drafts[1].areaCode",
      code: "INVALID_VALUE",
      message: /expected an area code/,
    },
    {
      name: "an event with neither an area code nor an address text for the gazetteer",
      output: [person, { ...event, areaCode: null }],
      field: "drafts[1].areaCode",
      code: "INVALID_VALUE",
      message: /or an addressText the hub's gazetteer places/,
    },
    {
      name: "an area code wrong for its level",
      output: [
        { element: "AREA", ref: "g", code: "320602001001", name: "x", level: "GRID", parentCode: null },
      ],
      field: "drafts[0].code",
      code: "INVALID_VALUE",
      message: /a GRID code has 15 digits/,
    },
    {
      name: "a one-item list JSONata unwrapped",
      output: [person, { ...event, persons: { ref: "tenant", role: "SUBJECT" } }],
      field: "drafts[1].persons",
      code: "INVALID_VALUE",
      message: /end the path with \[\] to keep a list/,
    },
    {
      name: "a bad entry inside a list",
      output: [person, { ...event, persons: [{ ref: "tenant", role: "LANDLORD" }] }],
      field: "drafts[1].persons[0].role",
      code: "INVALID_VALUE",
      message: /got "LANDLORD"/,
    },
    {
      name: "an unknown field",
      output: [{ ...person, adresses: [] }],
      field: "drafts[0].adresses",
      code: "INVALID_VALUE",
      message: /unknown field for a PERSON draft \(did you mean "addresses"\?\)/,
    },
    {
      name: "an unknown element kind",
      output: [{ element: "TENANT", ref: "t" }],
      field: "drafts[0].element",
      code: "INVALID_VALUE",
      message: /expected one of "PERSON", "ORGANISATION", "ADDRESS", "AREA", "EVENT"; got "TENANT"/,
    },
    {
      name: "no element kind",
      output: [{ ref: "t", name: "x" }],
      field: "drafts[0].element",
      code: "MISSING_FIELD",
      message: /required/,
    },
    {
      name: "no ref",
      output: [{ element: "PERSON", name: "x" }],
      field: "drafts[0].ref",
      code: "MISSING_FIELD",
      message: /required/,
    },
    {
      name: "a list entry that is not a draft",
      output: [person, "tenant"],
      field: "drafts[1]",
      code: "INVALID_VALUE",
      message: /expected an element draft/,
    },
    {
      name: "an output that is not drafts",
      output: "出租房屋登记",
      field: "drafts",
      code: "INVALID_VALUE",
      message: /expected an element draft or a list of them, got "出租房屋登记"/,
    },
    {
      name: "no output",
      output: undefined,
      field: "drafts",
      code: "MISSING_FIELD",
      message: /produced nothing/,
    },
    {
      name: "an event naming a person the record does not have",
      output: [person, { ...event, persons: [{ ref: "landlord", role: "PARTY" }] }],
      field: "drafts[1].persons[0].ref",
      code: "INVALID_VALUE",
      message: /no PERSON draft of this record has ref "landlord"/,
    },
    {
      name: "a member that is not a person",
      output: [
        event,
        {
          element: "ORGANISATION",
          ref: "o",
          name: "x",
          kind: "OTHER",
          members: [{ personRef: "registration", role: "r" }],
        },
      ],
      field: "drafts[1].members[0].personRef",
      code: "INVALID_VALUE",
      message: /"registration" is drafts\[0\], a EVENT draft, not a PERSON draft/,
    },
    {
      name: "two drafts with one ref",
      output: [person, { ...person, name: "王芳" }],
      field: "drafts[1].ref",
      code: "INVALID_VALUE",
      message: /already the name of drafts\[0\]/,
    },
  ];

  it.each(wrong)("$name → $field", ({ output, field, code, message }) => {
    const problems = problemsOf(output);
    const hit = problems.find((p) => p.field === field);
    expect(hit, JSON.stringify(problems)).toBeDefined();
    expect(hit!.code).toBe(code);
    expect(hit!.message).toMatch(message);
  });

  it("reports every problem of the output, not only the first", () => {
    const problems = problemsOf([
      { ...person, sex: "F", birthDate: "1980-02-30" },
      { ...event, occurredAt: "x", status: "y" },
    ]);
    expect(problems.map((p) => p.field).sort()).toEqual([
      "drafts[0].birthDate",
      "drafts[0].sex",
      "drafts[1].occurredAt",
      "drafts[1].status",
    ]);
  });

  it("refuses element kinds the manifest does not produce", () => {
    const r = checkDrafts([person, event] as JsonValue, { produces: ["PERSON"] });
    expect(r.drafts).toHaveLength(2); // the shape is right …
    expect(r.problems).toEqual([
      {
        code: "INVALID_VALUE",
        field: "drafts[1].element",
        message: "drafts[1].element: EVENT is not among the element kinds the manifest produces (PERSON)",
      },
    ]);
  });

  it("lists the fields the drafts fill, as manifests declare them", () => {
    expect([...filledFields(ALL_KINDS.filter((d) => d.element === "EVENT"))].sort()).toEqual(
      [
        "EVENT.areaCode",
        "EVENT.details.monthlyRent",
        "EVENT.details.tags",
        "EVENT.kind",
        "EVENT.occurredAt",
        "EVENT.organisations",
        "EVENT.persons",
        "EVENT.reportedAt",
        "EVENT.status",
        "EVENT.title",
        "EVENT.warningLevel",
      ]
        .concat(["EVENT.details.nested"])
        .sort(),
    );
  });
});
