// Public security (公安): the population registry (人口信息) and 110 incidents (警情), in the
// registry's own shape: upper-case pinyin-initial field names (GMSFHM, XM, XBDM ...), compact
// YYYYMMDD / YYYYMMDDHHmmss dates, codes for sex and ethnicity.
import { DEMO_CITY } from "../../city/areas.js";
import { addressText } from "../addresses.js";
import { formatDate, formatTime } from "../calendar.js";
import type { Person } from "../citizens.js";
import type { City } from "../city.js";
import type { Emitted, SiloDataset } from "../dataset.js";
import { currentAddressAsSeen, idAsSeen, nameAsSeen, phoneAsSeen, sexAsSeen } from "../dirt.js";
import { CROSS_SILO_LINKS } from "../presets.js";
import { Permutation, permutationKey, type Rng, streamRng, WeightedTable, weighted } from "../rng.js";
import {
  DISPUTE_ISSUES,
  INCIDENT_CATEGORIES,
  INCIDENT_OUTCOMES,
  type IncidentCategory,
} from "../tables/codes.js";
import { emptyTruth, type PersonFields } from "../truth.js";
import { addAddress, addPerson, dirtLog, emit, eventTime, padded, sexCodeOf } from "./common.js";

/** 人口信息: one row per resident. */
export interface PsPopulationRecord {
  /** 人员编号 (source key) */
  RYBH: string;
  /** 公民身份号码 */
  GMSFHM: string | null;
  /** 姓名 */
  XM: string | null;
  /** 性别代码 (GB/T 2261.1) */
  XBDM: string;
  /** 民族代码 (GB 3304) */
  MZDM: string;
  /** 出生日期 YYYYMMDD */
  CSRQ: string;
  /** 户号 */
  HH: string;
  /** 与户主关系 */
  YHZGX: string;
  /** 户籍地址 */
  HJDZ: string;
  /** 户籍地址所属社区代码 */
  HJDZXZQH: string;
  /** 现住址 */
  XZZ: string;
  /** 现住址所属社区代码 */
  XZZXZQH: string;
  /** 联系电话 */
  LXDH: string | null;
  /** 人员类别: 户籍人口 / 常住人口 / 流动人口 */
  RYLB: string;
  /** 更新时间 YYYYMMDDHHmmss */
  GXSJ: string;
}

/** 涉事人员 of an incident. */
export interface PsInvolvedPerson {
  XM: string | null;
  GMSFHM: string | null;
  LXDH: string | null;
  /** 性别 (GB/T 2261.1), null when left blank */
  XB: string | null;
  /** 人员类型 */
  RYLX: "当事人" | "嫌疑人" | "求助人";
}

/** 110 接处警: one row per call. */
export interface PsIncidentRecord {
  /** 接警单编号 (source key) */
  JJDBH: string;
  /** 报警时间 YYYYMMDDHHmmss */
  BJSJ: string;
  /** 报警方式 */
  BJFS: string;
  /** 报警人姓名 / 联系电话 / 身份证号 */
  BJRXM: string | null;
  BJRDH: string | null;
  BJRSFZH: string | null;
  /** 报警人性别 (GB/T 2261.1: "1" male, "2" female; null when left blank) */
  BJRXB: string | null;
  /** 报警内容 */
  BJNR: string;
  /** 案发地点 */
  AFDD: string;
  /** 警情类别代码 / 名称 */
  JQLB: string;
  JQLBMC: string;
  /** 管辖单位 */
  GXDW: string;
  /** 行政区划 (street / township code) */
  XZQH: string;
  /** 处警结果 */
  CJJG: string;
  /** 涉事人员 */
  SJRY: PsInvolvedPerson[];
}

const REPORT_MODES = weighted([
  ["110电话", 80],
  ["手机短信", 4],
  ["一键报警", 6],
  ["现场报警", 10],
] as const);

/** Share of incidents where the police learn each detail of a person. */
export const INCIDENT_KNOWLEDGE = {
  reporterId: 0.3,
  involvedName: 0.9,
  involvedId: 0.6,
  involvedPhone: 0.7,
} as const;

const ORGANIC_CATEGORIES = new WeightedTable(
  INCIDENT_CATEGORIES.map((c) => ({ value: c, weight: c.weight })),
);
const categoryByCode = (code: string) => INCIDENT_CATEGORIES.find((c) => c.code === code)!;

export function incidentNumber(perm: Permutation, e: number, time: number): string {
  return `J${DEMO_CITY.code}${formatTime(time, "compact").slice(0, 8)}${padded(perm.apply(e), 7)}`;
}

/** The facts of 110 call e, shared with the 12345 transfer and the grid dispute it may become. */
export interface IncidentCore {
  e: number;
  time: number;
  category: IncidentCategory;
  reporter: Person;
  address: number;
  /** The other party of a dispute / fight / accident, when there is one. */
  other: Person | null;
  issue: string;
  template: string;
  linkedToHotline: boolean;
  linkedToDispute: boolean;
}

/** A neighbour: the head of a nearby household in the same grid (or any adult of the grid). */
export function neighbourOf(city: City, rng: Rng, p: Person): Person {
  const plan = city.plan;
  const first = plan.gridHhStart[p.gridIndex]!;
  const count = plan.gridHhStart[p.gridIndex + 1]! - first;
  if (count > 1) {
    const local = p.householdIndex - first;
    const step = rng.int(1, Math.min(3, count - 1));
    const h = first + ((local + step) % count);
    const head = city.household(h).members.find((m) => m.ageAsOf >= 18);
    if (head) return head;
  }
  return city.randomAdult(rng, 18, 90, p.gridIndex);
}

export function incidentCore(city: City, e: number): IncidentCore {
  const rng = streamRng(city.plan.base, "incident", e);
  const linkedToHotline =
    e % CROSS_SILO_LINKS.incidentToHotline.stride === CROSS_SILO_LINKS.incidentToHotline.offset;
  const linkedToDispute =
    e % CROSS_SILO_LINKS.incidentToDispute.stride === CROSS_SILO_LINKS.incidentToDispute.offset;
  const organic = ORGANIC_CATEGORIES.pick(rng);
  const category = linkedToHotline ? categoryByCode("07") : linkedToDispute ? categoryByCode("05") : organic;
  const time = eventTime(city, e, city.counts.incidents, rng);
  const reporter = city.randomAdult(rng, 18, 88);
  const atHome = ["05", "06", "07"].includes(category.code) || rng.chance(0.3);
  const address = atHome
    ? reporter.currentAddress
    : rng.chance(0.5)
      ? rng.int(
          city.plan.gridAddrStart[reporter.gridIndex]!,
          city.plan.gridAddrStart[reporter.gridIndex + 1]! - 1,
        )
      : rng.int(0, city.plan.addressCount - 1);
  let other: Person | null = null;
  if (category.code === "05") other = neighbourOf(city, rng, reporter);
  else if ((category.code === "02" || category.code === "03") && rng.chance(0.7))
    other = city.randomAdult(rng, 18, 75);
  return {
    e,
    time,
    category,
    reporter,
    address,
    other,
    issue: rng.pick(DISPUTE_ISSUES),
    template: rng.pick(category.templates),
    linkedToHotline,
    linkedToDispute,
  };
}

export const policeStation = (districtName: string, streetName: string) =>
  `${districtName.replace(/[区县市]$/, "")}公安分局${streetName.replace(/(街道|镇)$/, "")}派出所`;

export function publicSecurityPopulation(city: City): SiloDataset<PsPopulationRecord> {
  const plan = city.plan;
  const keys = new Permutation(plan.personCount, permutationKey(plan.base, "RYBH"));
  const households = new Permutation(plan.householdCount, permutationKey(plan.base, "HH"));
  return {
    silo: "publicSecurity",
    name: "population",
    file: "public-security/population.jsonl",
    keyField: "RYBH",
    unitCount: plan.householdCount,
    recordCount: (h) => plan.hhStart[h + 1]! - plan.hhStart[h]!,
    records(h) {
      const hh = city.household(h);
      const out: Emitted<PsPopulationRecord>[] = [];
      for (const p of hh.members) {
        const rng = streamRng(plan.base, "psPopulation", p.index);
        const log = dirtLog(city, "publicSecurity", "population", p.index);
        const key = `R${DEMO_CITY.code}${padded(keys.apply(p.index), 9)}`;
        const truth = emptyTruth("publicSecurity", "population", key);
        const registered = city.address(p.registeredAddress);
        const currentIndex = currentAddressAsSeen(log, p, "XZZ");
        const current = city.address(currentIndex);
        const hj = addressText(registered, "registry");
        const xz = addressText(current, "registry");
        const record: PsPopulationRecord = {
          RYBH: key,
          GMSFHM: idAsSeen(log, p, "GMSFHM"),
          XM: nameAsSeen(log, p, "XM"),
          XBDM: String(p.sex),
          MZDM: p.ethnicity,
          CSRQ: formatDate(p.birthDay, "compact"),
          HH: padded(households.apply(h), 9),
          YHZGX: p.relation,
          HJDZ: hj.text,
          HJDZXZQH: registered.communityCode,
          XZZ: xz.text,
          XZZXZQH: current.communityCode,
          LXDH: phoneAsSeen(log, p, hh, "LXDH"),
          RYLB: p.residence,
          GXSJ: formatTime(
            (city.clock.asOfDay - rng.int(0, 1500)) * 86_400 + rng.int(8 * 3600, 18 * 3600),
            "compact",
          ),
        };
        addPerson(truth, p.key, "subject", {
          id: "GMSFHM",
          name: "XM",
          sex: "XBDM",
          birthDate: "CSRQ",
          phone: "LXDH",
          address: "XZZ",
        });
        addAddress(truth, p.registeredAddress, "HJDZ", hj);
        addAddress(truth, currentIndex, "XZZ", xz, currentIndex !== p.currentAddress);
        truth.areas.push({ field: "HJDZXZQH", code: registered.communityCode });
        truth.areas.push({ field: "XZZXZQH", code: current.communityCode });
        out.push(emit(record, truth, log));
      }
      return out;
    },
  };
}

export function publicSecurityIncidents(city: City): SiloDataset<PsIncidentRecord> {
  const n = city.counts.incidents;
  const perm = new Permutation(Math.max(n, 1), permutationKey(city.plan.base, "JJDBH"));
  return {
    silo: "publicSecurity",
    name: "incidents",
    file: "public-security/incidents.jsonl",
    keyField: "JJDBH",
    unitCount: n,
    recordCount: () => 1,
    records(e) {
      const core = incidentCore(city, e);
      const rng = streamRng(city.plan.base, "incidentRecord", e);
      const log = dirtLog(city, "publicSecurity", "incidents", e);
      const key = incidentNumber(perm, e, core.time);
      const truth = emptyTruth("publicSecurity", "incidents", key);
      const addr = city.address(core.address);
      const place = addressText(addr, "place", rng);
      const reporter = core.reporter;
      const reporterHh = city.household(reporter.householdIndex);
      const involved: PsInvolvedPerson[] = [];
      const reporterId = rng.chance(INCIDENT_KNOWLEDGE.reporterId)
        ? idAsSeen(log, reporter, "BJRSFZH")
        : null;
      const record: PsIncidentRecord = {
        JJDBH: key,
        BJSJ: formatTime(core.time, "compact"),
        BJFS: REPORT_MODES.pick(rng),
        BJRXM: nameAsSeen(log, reporter, "BJRXM"),
        BJRDH: phoneAsSeen(log, reporter, reporterHh, "BJRDH"),
        BJRSFZH: reporterId,
        BJRXB: null,
        BJNR: core.template.replace("{place}", place.text).replace("{issue}", core.issue),
        AFDD: place.text,
        JQLB: core.category.code,
        JQLBMC: core.category.name,
        GXDW: policeStation(addr.district, addr.street),
        XZQH: addr.streetCode,
        CJJG: core.linkedToHotline
          ? "已移交12345热线"
          : core.linkedToDispute
            ? "已移交网格调解"
            : core.category.police
              ? rng.pick(INCIDENT_OUTCOMES)
              : "已告知",
        SJRY: involved,
      };
      const reporterFields: PersonFields = { name: "BJRXM", phone: "BJRDH" };
      if (reporterId !== null) reporterFields.id = "BJRSFZH";
      addPerson(truth, reporter.key, "reporter", reporterFields);
      let other: { person: Person; entry: PsInvolvedPerson; fields: PersonFields; field: string } | null =
        null;
      if (core.other) {
        const o = core.other;
        const field = `SJRY[${involved.length}]`;
        const oh = city.household(o.householdIndex);
        const knowName = rng.chance(INCIDENT_KNOWLEDGE.involvedName);
        const knowId = rng.chance(INCIDENT_KNOWLEDGE.involvedId);
        const knowPhone = rng.chance(INCIDENT_KNOWLEDGE.involvedPhone);
        const entry: PsInvolvedPerson = {
          XM: knowName ? nameAsSeen(log, o, `${field}.XM`) : null,
          GMSFHM: knowId ? idAsSeen(log, o, `${field}.GMSFHM`) : null,
          LXDH: knowPhone ? phoneAsSeen(log, o, oh, `${field}.LXDH`) : null,
          XB: null,
          RYLX: core.category.code === "02" && rng.chance(0.3) ? "嫌疑人" : "当事人",
        };
        involved.push(entry);
        const fields: PersonFields = {};
        if (entry.XM !== null) fields.name = `${field}.XM`;
        if (entry.GMSFHM !== null) fields.id = `${field}.GMSFHM`;
        if (entry.LXDH !== null) fields.phone = `${field}.LXDH`;
        addPerson(truth, o.key, "involved", fields);
        other = { person: o, entry, fields, field };
      }
      // the sexes the police wrote down, drawn after the record's other dirt (nothing else depends
      // on them); of an involved person the police learned nothing else about, none
      record.BJRXB = sexCodeOf(sexAsSeen(log, reporter, "BJRXB", record.BJRXM));
      if (record.BJRXB !== null) reporterFields.sex = "BJRXB";
      if (other && Object.keys(other.fields).length > 0) {
        other.entry.XB = sexCodeOf(sexAsSeen(log, other.person, `${other.field}.XB`, other.entry.XM));
        if (other.entry.XB !== null) other.fields.sex = `${other.field}.XB`;
      }
      addAddress(truth, core.address, "AFDD", place);
      truth.areas.push({ field: "XZQH", code: addr.streetCode });
      truth.event = `E-INC-${padded(e, 7)}`;
      truth.matter = truth.event;
      return [emit(record, truth, log)];
    },
  };
}
