// Civil affairs (民政) records → element drafts. The hub hands over { dataset, record } where the
// record is a spreadsheet row keyed by its Chinese column headers, every value a string
// (sandbox/generator/silos/civil-affairs.ts):
//   assistance           救助对象 row (低保 / 特困 / 高龄津贴 / 残疾人补贴) → the recipient as a
//                        PersonDraft (+ the head of household, by name, when that is someone else)
//   socialOrganisations  社会组织 register row → OrganisationDraft + its legal representative
// What a person receives (category, amount, status) is not copied into the graph: it is
// sensitive and changes monthly, so the connector serves it live (lookup "assistanceStatus").
// Identifiers pass through as written; every failure is a MappingProblem, never an exception.
import { organisationStatusOf } from "../../../domain/organisation-status.js";
import type { ElementDraft, OrganisationDraft, PersonDraft } from "../../contract.js";
import {
  areaCode,
  type Ctx,
  coded,
  datasetMapper,
  type Fields,
  isoDate,
  parsed,
  personEntry,
  problem,
  prune,
  text,
  withRepresentative,
} from "../mapping.js";

// ---- translation tables (declared once) ----

/** 性别 as the roster writes it. */
export const SEX_NAMES: Readonly<Record<string, PersonDraft["sex"]>> = {
  男: "MALE",
  女: "FEMALE",
  未知: null,
  未说明: null,
};

/** 社会组织类型 → organisation kind (社会服务机构 is the 2016 name of 民办非企业单位). */
export const SOCIAL_ORG_KINDS: Readonly<Record<string, OrganisationDraft["kind"]>> = {
  社会团体: "SOCIAL_ORGANISATION",
  民办非企业单位: "SOCIAL_ORGANISATION",
  社会服务机构: "SOCIAL_ORGANISATION",
  基金会: "SOCIAL_ORGANISATION",
};

/** 与户主关系 values meaning the recipient is the head of household themself. */
export const SELF_RELATIONS: readonly string[] = ["户主", "本人"];

/** Which kind of address each roster column holds; 社区代码 is the community of the 户籍. */
export const ASSISTANCE_ADDRESSES = [
  { field: "户籍地址", areaField: "社区代码", kind: "REGISTERED" },
  { field: "居住地址", areaField: null, kind: "RESIDENT" },
] as const;

/** Member role of the legal representative in an organisation draft (the same in every silo). */
export { LEGAL_REPRESENTATIVE } from "../mapping.js";

// ---- datasets ----

function mapAssistance(rec: Fields, ctx: Ctx): ElementDraft[] {
  const citizenId = text(rec, "身份证号码", ctx);
  const name = text(rec, "姓名", ctx);
  if (citizenId === null && name === null)
    problem(ctx, "MISSING_FIELD", "姓名", "neither 姓名 nor 身份证号码: no recipient to record");

  const sex = coded(text(rec, "性别", ctx), "性别", SEX_NAMES, ctx, "男 / 女");

  const addresses: NonNullable<PersonDraft["addresses"]> = [];
  for (const a of ASSISTANCE_ADDRESSES) {
    const addressText = text(rec, a.field, ctx);
    const rawArea = a.areaField === null ? null : text(rec, a.areaField, ctx);
    const code =
      rawArea === null || a.areaField === null ? null : areaCode(rawArea, ["COMMUNITY"], ctx, a.areaField);
    if (addressText !== null) addresses.push(prune({ kind: a.kind, text: addressText, areaCode: code }));
  }

  const drafts: ElementDraft[] = [
    prune<PersonDraft>({
      element: "PERSON",
      ref: "person",
      citizenId,
      name,
      sex,
      phone: text(rec, "联系电话", ctx),
      addresses: addresses.length > 0 ? addresses : undefined,
    }),
  ];
  // the head of household is named too; when the recipient is the head, that is the same person
  const headName = text(rec, "户主姓名", ctx);
  const relation = text(rec, "与户主关系", ctx);
  if (headName !== null && !(relation !== null && SELF_RELATIONS.includes(relation.trim())))
    // a household head is registered at the household's address (户籍地): the recipient's
    drafts.push(
      prune<PersonDraft>({
        element: "PERSON",
        ref: "householdHead",
        name: headName,
        addresses: addresses.some((a) => a.kind === "REGISTERED")
          ? addresses.filter((a) => a.kind === "REGISTERED")
          : undefined,
      }),
    );
  return drafts;
}

/** The register's dates: 2015/3/2 or 2015-03-02. */
function registerDate(raw: string): string | null {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(raw.trim());
  if (!m) return null;
  return isoDate(
    /^(\d{4})-(\d{2})-(\d{2})$/.exec(`${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`),
  );
}

/** The register's 法定代表人 and the ID from the registration form (the 联系电话 is the organisation's). */
const REPRESENTATIVE_FIELDS = { citizenId: "法定代表人身份证号码", name: "法定代表人" } as const;

function mapSocialOrganisation(rec: Fields, ctx: Ctx): ElementDraft[] {
  const name = text(rec, "社会组织名称", ctx);
  if (name === null)
    problem(ctx, "MISSING_FIELD", "社会组织名称", "no 社会组织名称: an organisation needs its name");
  const rawKind = text(rec, "社会组织类型", ctx);
  const kind = coded(rawKind, "社会组织类型", SOCIAL_ORG_KINDS, ctx, "a registered type");

  const representative = personEntry(rec, "legalRepresentative", REPRESENTATIVE_FIELDS, ctx);
  if (name === null) return withRepresentative(representative, null);
  const organisation = prune<OrganisationDraft>({
    element: "ORGANISATION",
    ref: "organisation",
    uscc: text(rec, "统一社会信用代码", ctx),
    name,
    kind: kind ?? "SOCIAL_ORGANISATION",
    addressText: text(rec, "住所", ctx),
    phone: text(rec, "联系电话", ctx),
    registeredOn: parsed(
      text(rec, "成立登记日期", ctx),
      "成立登记日期",
      ctx,
      registerDate,
      "a date (2015/3/2)",
    ),
    registeringAuthority: text(rec, "登记管理机关", ctx),
    // 正常 / 注销 / 撤销; wording the table does not know is left out, not a reason to refuse the row
    status: organisationStatusOf(text(rec, "登记状态", ctx)),
  });
  return withRepresentative(representative, organisation);
}

/** Dataset name → its mapping and the column holding the record's own key. */
const DATASETS = {
  assistance: { label: "assistance row", keyField: "救助对象编号", map: mapAssistance },
  socialOrganisations: {
    label: "social organisation",
    keyField: "统一社会信用代码",
    map: mapSocialOrganisation,
  },
};

export const mapCivilAffairs = datasetMapper(DATASETS);
