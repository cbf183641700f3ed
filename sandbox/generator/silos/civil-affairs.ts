// Civil affairs (民政): social assistance rosters (低保, 特困, 高龄津贴, 残疾人补贴) and the register
// of social organisations (社会组织). Rows with Chinese column headers, as exported to spreadsheets
// (the sandbox writes them as GB18030 CSV); dates in the spreadsheet style 2021/3/1.
import { addressText } from "../addresses.js";
import { formatDate } from "../calendar.js";
import type { Household, Person } from "../citizens.js";
import type { City } from "../city.js";
import type { Emitted, SiloDataset } from "../dataset.js";
import { currentAddressAsSeen, idAsSeen, nameAsSeen, phoneAsSeen } from "../dirt.js";
import { Permutation, permutationKey, streamRng } from "../rng.js";
import {
  ASSISTANCE_CATEGORIES,
  ASSISTANCE_RATES,
  type AssistanceCategory,
  ELDERLY_ALLOWANCE_BANDS,
} from "../tables/codes.js";
import { emptyTruth, type PersonFields } from "../truth.js";
import { addAddress, addPerson, dirtLog, emit, padded, sexName } from "./common.js";

export interface CivilAssistanceRow {
  救助对象编号: string;
  身份证号码: string | null;
  姓名: string | null;
  性别: string;
  户主姓名: string;
  与户主关系: string;
  家庭人口数: number;
  救助类别: string;
  "保障金额（元/月）": number;
  发放起始日期: string;
  状态: string;
  所属区县: string;
  所属街道: string;
  所属社区: string;
  社区代码: string;
  户籍地址: string;
  居住地址: string;
  联系电话: string | null;
}

export interface CivilSocialOrgRow {
  统一社会信用代码: string;
  社会组织名称: string;
  社会组织类型: string;
  法定代表人: string | null;
  /** The representative's ID, which the registration form (法定代表人登记表) asks for. */
  法定代表人身份证号码: string | null;
  联系电话: string;
  住所: string;
  业务主管单位: string;
  登记管理机关: string;
  成立登记日期: string;
  "注册资金（万元）": number;
  登记状态: string;
}

export interface AssistanceGrant {
  person: Person;
  category: AssistanceCategory;
  amount: number;
  startDay: number;
  status: string;
}

const category = (name: AssistanceCategory["category"]) =>
  ASSISTANCE_CATEGORIES.find((c) => c.category === name)!;
const DAYS_PER_YEAR = 365.25;

/** Who in household h receives what (eligibility rules over the true household). */
export function assistanceOf(city: City, hh: Household): AssistanceGrant[] {
  const rng = streamRng(city.plan.base, "assistance", hh.index);
  const asOf = city.clock.asOfDay;
  const members = hh.members;
  const head = members[0]!;
  const alone = members.length === 1;
  const singleParent = !members.some((m) => m.relation === "配偶") && members.length > 1;
  const lowIncome = rng.chance(
    (alone && head.ageAsOf >= 60) || singleParent
      ? ASSISTANCE_RATES.lowIncomeHouseholdSingleOrElderly
      : ASSISTANCE_RATES.lowIncomeHousehold,
  );
  const extremePoverty =
    !lowIncome && alone && head.ageAsOf >= 60 && rng.chance(ASSISTANCE_RATES.extremePoverty);
  const lowIncomeStart = asOf - rng.int(30, 3000);
  const grants: AssistanceGrant[] = [];
  const status = (active: string) =>
    rng.chance(ASSISTANCE_RATES.stopped) ? rng.pick(["停保", "暂停"]) : active;
  for (const p of members) {
    if (lowIncome) {
      const [lo, hi] = category("低保").amount;
      grants.push({
        person: p,
        category: category("低保"),
        amount: Math.round(rng.int(lo, hi) / 10) * 10,
        startDay: lowIncomeStart,
        status: status("在保"),
      });
    }
    if (extremePoverty) {
      const [lo, hi] = category("特困").amount;
      grants.push({
        person: p,
        category: category("特困"),
        amount: rng.int(lo, hi),
        startDay: asOf - rng.int(30, 2500),
        status: status("在保"),
      });
    }
    if (p.ageAsOf >= 80 && rng.chance(ASSISTANCE_RATES.elderlyAllowanceTakeUp)) {
      const amount = ELDERLY_ALLOWANCE_BANDS.find(([age]) => p.ageAsOf >= age)![1];
      const turned80 = p.birthDay + Math.ceil(80 * DAYS_PER_YEAR);
      grants.push({
        person: p,
        category: category("高龄津贴"),
        amount,
        startDay: turned80 + rng.int(0, 60),
        status: status("正常发放"),
      });
    }
    if (
      p.disability > 0 &&
      (p.disability <= 2 || lowIncome) &&
      rng.chance(ASSISTANCE_RATES.disabilitySubsidy)
    ) {
      const [lo, hi] = category("残疾人补贴").amount;
      grants.push({
        person: p,
        category: category("残疾人补贴"),
        amount: rng.int(lo, hi),
        startDay: asOf - rng.int(30, 3500),
        status: status("正常发放"),
      });
    }
  }
  return grants;
}

export function civilAssistance(city: City): SiloDataset<CivilAssistanceRow> {
  const plan = city.plan;
  const keys = new Permutation(plan.householdCount, permutationKey(plan.base, "civilAssistance"));
  return {
    silo: "civilAffairs",
    name: "assistance",
    file: "civil-affairs/assistance.jsonl",
    keyField: "救助对象编号",
    unitCount: plan.householdCount,
    recordCount: (h) => assistanceOf(city, city.household(h)).length,
    records(h) {
      const hh = city.household(h);
      const head = hh.members[0]!;
      return assistanceOf(city, hh).map((g, n): Emitted<CivilAssistanceRow> => {
        const p = g.person;
        const key = `MZ${g.category.code}${padded(keys.apply(h), 8)}${padded(n, 2)}`;
        const log = dirtLog(city, "civilAffairs", "assistance", h, n);
        const truth = emptyTruth("civilAffairs", "assistance", key);
        const registered = city.address(p.registeredAddress);
        const livingIndex = currentAddressAsSeen(log, p, "居住地址");
        const hj = addressText(registered, "civil");
        const living = addressText(city.address(livingIndex), "civil");
        const record: CivilAssistanceRow = {
          救助对象编号: key,
          身份证号码: idAsSeen(log, p, "身份证号码"),
          姓名: nameAsSeen(log, p, "姓名"),
          性别: sexName(p.sex),
          户主姓名: head.name,
          与户主关系: p.relation,
          家庭人口数: hh.members.length,
          救助类别: g.category.category,
          "保障金额（元/月）": g.amount,
          发放起始日期: formatDate(g.startDay, "slash"),
          状态: g.status,
          所属区县: registered.district,
          所属街道: registered.street,
          所属社区: registered.community,
          社区代码: registered.communityCode,
          户籍地址: hj.text,
          居住地址: living.text,
          联系电话: phoneAsSeen(log, p, hh, "联系电话"),
        };
        const fields: PersonFields = {
          id: "身份证号码",
          name: "姓名",
          sex: "性别",
          phone: "联系电话",
          address: "居住地址",
        };
        addPerson(truth, p.key, "recipient", fields);
        addPerson(truth, head.key, "householdHead", { name: "户主姓名" });
        addAddress(truth, p.registeredAddress, "户籍地址", hj);
        addAddress(truth, livingIndex, "居住地址", living, livingIndex !== p.currentAddress);
        truth.areas.push({ field: "社区代码", code: registered.communityCode });
        return emit(record, truth, log);
      });
    },
  };
}

export function civilSocialOrganisations(city: City): SiloDataset<CivilSocialOrgRow> {
  return {
    silo: "civilAffairs",
    name: "socialOrganisations",
    file: "civil-affairs/social-organisations.jsonl",
    keyField: "统一社会信用代码",
    unitCount: city.counts.socialOrganisations,
    recordCount: () => 1,
    records(k) {
      const org = city.organisation(k);
      const rep = city.person(org.legalRepresentative);
      const log = dirtLog(city, "civilAffairs", "socialOrganisations", k);
      const truth = emptyTruth("civilAffairs", "socialOrganisations", org.uscc);
      const place = addressText(city.address(org.addressIndex), "civil");
      const record: CivilSocialOrgRow = {
        统一社会信用代码: org.uscc,
        社会组织名称: org.name,
        社会组织类型: org.orgType,
        法定代表人: nameAsSeen(log, rep, "法定代表人"),
        法定代表人身份证号码: idAsSeen(log, rep, "法定代表人身份证号码"),
        联系电话: org.phone,
        住所: place.text,
        业务主管单位: org.businessSupervisor ?? "",
        登记管理机关: org.registrationAuthority,
        成立登记日期: formatDate(org.registeredDay, "slash"),
        "注册资金（万元）": org.registeredCapital,
        登记状态: org.status,
      };
      truth.organisations.push({
        organisation: org.key,
        role: "subject",
        fields: { code: "统一社会信用代码", name: "社会组织名称" },
      });
      addPerson(
        truth,
        rep.key,
        "legalRepresentative",
        record.法定代表人身份证号码 === null
          ? { name: "法定代表人" }
          : { name: "法定代表人", id: "法定代表人身份证号码" },
      );
      addAddress(truth, org.addressIndex, "住所", place);
      return [emit(record, truth, log)];
    },
  };
}
