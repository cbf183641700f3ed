// Petitions (信访): cases as plain nested objects (the sandbox writes them as XML), camelCase
// element names. Petitioners are listed with an ID when one was given; collective petitions
// (集体访, ≥ 5 persons) list a few representatives and a head count; repeat petitions point back
// (sometimes) to the earlier case of the same matter.
import { DEMO_CITY } from "../../city/areas.js";
import { addressText } from "../addresses.js";
import { dayOfSeconds, formatDate } from "../calendar.js";
import type { Person } from "../citizens.js";
import type { City } from "../city.js";
import type { Emitted, SiloDataset } from "../dataset.js";
import { currentAddressAsSeen, DirtLog, idAsSeen, isDuplicated, nameAsSeen, phoneAsSeen } from "../dirt.js";
import { Permutation, permutationKey, streamRng, weighted } from "../rng.js";
import { COLLECTIVE_THRESHOLD, PETITION_FORMS, PETITION_ISSUES, PETITION_LIMITS } from "../tables/codes.js";
import { emptyTruth, type PersonFields } from "../truth.js";
import { addAddress, addPerson, emit, eventTime, padded } from "./common.js";
import { neighbourOf } from "./public-security.js";

export interface Petitioner {
  name: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
}

export interface PetitionCase {
  caseNo: string;
  form: string;
  petitioners: Petitioner[];
  personCount: number;
  isCollective: boolean;
  issueCategory: string;
  summary: string;
  /** 问题属地 */
  locality: string;
  localityCode: string;
  registeredDate: string;
  acceptedDate: string | null;
  deadline: string | null;
  extendedDeadline: string | null;
  status: string;
  isRepeat: boolean;
  previousCaseNo: string | null;
  responsibleUnit: string;
}

/** Matter-level shares. */
export const PETITION_RATES = {
  repeat: 0.15, // a new petition on an earlier matter (重复信访)
  repeatLinked: 0.6, // the system links it to the earlier case
  collective: 0.06, // 集体访
  smallGroup: 0.12, // 2–4 petitioners
  notAccepted: 0.08, // 不予受理
  extended: 0.05, // +30 days with approval
  review: 0.05, // 复查 after conclusion
  reReview: 0.02, // 复核
} as const;

/** Listed representatives of a collective petition, at most. */
export const LISTED_REPRESENTATIVES = 5;

export const PETITION_SUMMARIES: Readonly<Record<string, string>> = {
  城乡建设: "反映{place}房屋漏水、墙体开裂等质量问题，要求开发商维修。",
  征地拆迁: "反映征地补偿标准过低，要求提高补偿。",
  劳动社保: "反映所在单位拖欠工资，要求支付。",
  农业农村: "反映土地承包经营权流转纠纷，要求村委会处理。",
  政法: "对案件处理结果不服，要求重新处理。",
  卫生健康: "反映医疗纠纷，要求医院赔偿。",
  教育文体: "反映子女入学安排问题。",
  民政: "反映低保资格被取消，要求恢复。",
  自然资源: "反映宅基地审批久拖不办。",
  生态环境: "反映{place}附近企业排放异味，影响生活。",
  纪检监察: "反映村（社区）干部违规问题。",
};

const FORM_TABLE = weighted(PETITION_FORMS);
const ISSUE_TABLE = weighted(PETITION_ISSUES);

interface Header {
  repeat: boolean;
  previous: number;
}

interface Matter {
  root: number;
  issue: string;
  petitioners: Person[];
  personCount: number;
  locationAddress: number;
}

export function petitionCases(city: City): SiloDataset<PetitionCase> {
  const plan = city.plan;
  const n = city.counts.petitions;
  const caseNumbers = new Permutation(2 * Math.max(n, 1), permutationKey(plan.base, "caseNo"));
  const duplicateLog = (e: number) => new DirtLog("petition", streamRng(plan.base, "dirt:cases:dup", e));
  const isDup = (e: number) => isDuplicated(duplicateLog(e));

  const header = (e: number): Header => {
    const rng = streamRng(plan.base, "petitionHeader", e);
    const repeat = e > 0 && rng.chance(PETITION_RATES.repeat);
    return { repeat, previous: repeat ? e - 1 - rng.int(0, Math.min(e - 1, 200)) : -1 };
  };
  const rootOf = (e: number): number => {
    let cur = e;
    for (let h = header(cur); h.repeat; h = header(cur)) cur = h.previous;
    return cur;
  };

  const matter = (root: number): Matter => {
    const rng = streamRng(plan.base, "petitionMatter", root);
    const issue = ISSUE_TABLE.pick(rng);
    const collective = rng.chance(PETITION_RATES.collective);
    const personCount = collective
      ? rng.int(COLLECTIVE_THRESHOLD, 40)
      : rng.chance(PETITION_RATES.smallGroup)
        ? rng.int(2, COLLECTIVE_THRESHOLD - 1)
        : 1;
    const lead = city.randomAdult(rng, 25, 85);
    const petitioners = [lead];
    const listed = Math.min(personCount, LISTED_REPRESENTATIVES);
    for (let tries = 0; petitioners.length < listed && tries < 20; tries++) {
      const other = neighbourOf(city, rng, lead);
      if (!petitioners.some((p) => p.index === other.index)) petitioners.push(other);
    }
    return { root, issue, petitioners, personCount, locationAddress: lead.currentAddress };
  };

  const caseNo = (e: number, copy: 0 | 1, registeredDay: number) =>
    `XF${DEMO_CITY.code}${formatDate(registeredDay, "compact").slice(0, 4)}${padded(caseNumbers.apply(2 * e + copy), 7)}`;

  const registeredDayOf = (e: number) => {
    const rng = streamRng(plan.base, "petition", e);
    return dayOfSeconds(eventTime(city, e, n, rng));
  };

  function build(e: number, copy: 0 | 1, firstKey: string | null): Emitted<PetitionCase> {
    const h = header(e);
    const root = h.repeat ? rootOf(e) : e;
    const m = matter(root);
    const rng = streamRng(plan.base, "petitionCase", e, copy);
    const log = new DirtLog("petition", streamRng(plan.base, "dirt:cases", e, copy));
    const registeredDay = registeredDayOf(e) + (copy === 1 ? rng.int(0, 5) : 0);
    const key = caseNo(e, copy, registeredDay);
    const truth = emptyTruth("petition", "cases", key);
    const location = city.address(m.locationAddress);
    const asOf = city.clock.asOfDay;

    // time limits (信访工作条例): decision within 15 days, conclusion within 60 (+30)
    const decisionDay = registeredDay + rng.int(1, PETITION_LIMITS.decideWithinDays);
    let acceptedDay: number | null = null;
    let deadlineDay: number | null = null;
    let extendedDay: number | null = null;
    let status: string;
    if (decisionDay > asOf) status = "待受理";
    else if (rng.chance(PETITION_RATES.notAccepted)) status = "不予受理";
    else {
      acceptedDay = decisionDay;
      deadlineDay = acceptedDay + PETITION_LIMITS.concludeWithinDays;
      if (rng.chance(PETITION_RATES.extended)) extendedDay = deadlineDay + PETITION_LIMITS.extensionDays;
      const concludeDay = acceptedDay + rng.int(10, (extendedDay ?? deadlineDay) - acceptedDay + 5);
      if (concludeDay > asOf) status = rng.pick(["已受理", "办理中"]);
      else if (rng.chance(PETITION_RATES.reReview)) status = "复核中";
      else if (rng.chance(PETITION_RATES.review)) status = "复查中";
      else status = "已办结";
    }

    const petitioners: Petitioner[] = m.petitioners.map((p, i) => {
      const field = `petitioners[${i}]`;
      const hh = city.household(p.householdIndex);
      const addrIndex = currentAddressAsSeen(log, p, `${field}.address`);
      const text = addressText(city.address(addrIndex), "petition");
      const entry: Petitioner = {
        name: nameAsSeen(log, p, `${field}.name`),
        idNumber: idAsSeen(log, p, `${field}.idNumber`),
        phone: phoneAsSeen(log, p, hh, `${field}.phone`),
        address: text.text,
      };
      const fields: PersonFields = { name: `${field}.name`, address: `${field}.address` };
      if (entry.idNumber !== null) fields.id = `${field}.idNumber`;
      if (entry.phone !== null) fields.phone = `${field}.phone`;
      addPerson(truth, p.key, "petitioner", fields);
      addAddress(truth, addrIndex, `${field}.address`, text, addrIndex !== p.currentAddress);
      return entry;
    });
    const previousCaseNo =
      h.repeat && copy === 0 && rng.chance(PETITION_RATES.repeatLinked)
        ? caseNo(h.previous, 0, registeredDayOf(h.previous))
        : null;
    const place = addressText(location, "landmark").text;
    const record: PetitionCase = {
      caseNo: key,
      form: FORM_TABLE.pick(rng),
      petitioners,
      personCount: m.personCount,
      isCollective: m.personCount >= COLLECTIVE_THRESHOLD,
      issueCategory: m.issue,
      summary: (PETITION_SUMMARIES[m.issue] ?? "反映问题。").replace("{place}", place),
      locality: `${location.district}${location.street}`,
      localityCode: location.streetCode,
      registeredDate: formatDate(registeredDay, "iso"),
      acceptedDate: acceptedDay === null ? null : formatDate(acceptedDay, "iso"),
      deadline: deadlineDay === null ? null : formatDate(deadlineDay, "iso"),
      extendedDeadline: extendedDay === null ? null : formatDate(extendedDay, "iso"),
      status,
      isRepeat: h.repeat && copy === 0,
      previousCaseNo,
      responsibleUnit: `${location.district}信访局`,
    };
    truth.areas.push({ field: "localityCode", code: location.streetCode });
    truth.event = `E-PET-${padded(e, 7)}`;
    truth.matter = `M-PET-${padded(root, 7)}`;
    truth.duplicateOf = firstKey;
    // the duplicate draw is the unit's: tally it on the first copy, mark it on the second
    const dup = duplicateLog(e);
    if (copy === 0) isDuplicated(dup);
    else log.record("", "duplicate");
    return emit(record, truth, log, dup.eligible);
  }

  return {
    silo: "petition",
    name: "cases",
    file: "petition/cases.jsonl",
    keyField: "caseNo",
    unitCount: n,
    recordCount: (e) => (isDup(e) ? 2 : 1),
    records(e) {
      const first = build(e, 0, null);
      return isDup(e) ? [first, build(e, 1, first.truth.sourceKey)] : [first];
    },
  };
}
