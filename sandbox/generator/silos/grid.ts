// Grid management (网格化管理): grid workers, standard addresses (一标), real units (实有单位),
// patrol reports (巡查上报) and disputes (矛盾纠纷) with their parties. camelCase JSON as a
// modern web platform stores it; times ISO 8601 with +08:00. The grid system knows its own
// standard addresses by code, so its events carry an address code besides the text.
import { addressText } from "../addresses.js";
import { formatDate, formatTime } from "../calendar.js";
import type { Person } from "../citizens.js";
import type { City } from "../city.js";
import type { Emitted, SiloDataset } from "../dataset.js";
import { currentAddressAsSeen, idAsSeen, nameAsSeen, phoneAsSeen } from "../dirt.js";
import type { Organisation } from "../organisations.js";
import { CROSS_SILO_LINKS } from "../presets.js";
import { Permutation, permutationKey, type Rng, streamRng, weighted } from "../rng.js";
import { DISPUTE_TYPES, MEDIATION_STATUSES, PATROL_TYPES, WARNING_LEVELS } from "../tables/codes.js";
import { emptyTruth, type GroundTruthRecord, type PersonFields } from "../truth.js";
import { addAddress, addPerson, dirtLog, emit, eventTime, padded, sexName } from "./common.js";
import { incidentCore, incidentNumber, neighbourOf } from "./public-security.js";

export interface GridWorkerRecord {
  workerNo: string;
  name: string | null;
  sex: string;
  idNumber: string | null;
  mobile: string | null;
  gridCode: string;
  gridName: string;
  communityName: string;
  streetName: string;
  post: string;
  onDutySince: string;
  status: string;
}

export interface GridAddressRecord {
  addressCode: string;
  gridCode: string;
  province: string;
  city: string;
  district: string;
  street: string;
  community: string;
  road: string;
  doorNumber: string;
  compound: string | null;
  building: string | null;
  unit: string | null;
  floor: number | null;
  room: string | null;
  fullAddress: string;
  lng: number;
  lat: number;
  /** 房屋用途 / 居住情况 */
  housingUse: string;
  occupancy: string;
}

export interface GridUnitRecord {
  unitNo: string;
  unitName: string;
  creditCode: string | null;
  unitType: string;
  gridCode: string;
  addressCode: string;
  address: string;
  legalPerson: string | null;
  /** The representative's ID (法定代表人证件号码), when the grid worker recorded it. */
  legalPersonIdNumber: string | null;
  phone: string;
  status: string;
}

export interface VisitedPerson {
  name: string | null;
  idNumber: string | null;
  phone: string | null;
}

export interface PatrolReport {
  reportNo: string;
  gridCode: string;
  workerNo: string;
  reporterName: string;
  reportedAt: string;
  type: string;
  description: string;
  addressCode: string;
  addressText: string;
  visitedPerson: VisitedPerson | null;
  status: string;
  handledAt: string | null;
}

export interface DisputeParty {
  role: "申请人" | "被申请人";
  partyType: "自然人" | "单位";
  name: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  creditCode: string | null;
}

export interface DisputeRecord {
  disputeNo: string;
  gridCode: string;
  type: string;
  summary: string;
  occurredAt: string;
  registeredAt: string;
  addressCode: string;
  addressText: string;
  parties: DisputeParty[];
  mediator: string;
  mediationStatus: string;
  /** 三色预警 */
  warningLevel: string;
  /** 来源: the 110 接警单编号 when the police handed the dispute over. */
  sourceRef: string | null;
}

const PATROL_TABLE = weighted(PATROL_TYPES);
const DISPUTE_TABLE = weighted(DISPUTE_TYPES);
const MEDIATION_TABLE = weighted(MEDIATION_STATUSES);
const WARNING_TABLE = weighted(WARNING_LEVELS);

/** Share of units whose credit code the grid worker did not record. */
export const UNIT_CODE_UNKNOWN_SHARE = 0.1;

/**
 * Share of units whose legal representative's ID the grid worker did not record: the collection
 * form (实有单位采集表) asks for it, but the representative often lives elsewhere and is seldom
 * there when the unit is visited.
 */
export const UNIT_REPRESENTATIVE_ID_UNKNOWN_SHARE = 0.3;

const PATROL_DESCRIPTIONS: Readonly<Record<string, string>> = {
  安全隐患: "巡查发现{place}外墙空鼓，存在坠落隐患，已设置警示。",
  消防隐患: "巡查发现{place}楼道堆放杂物、电动车违规充电。",
  环境卫生: "巡查发现{place}垃圾满溢，已通知保洁清运。",
  占道经营: "巡查发现{place}门口有摊贩占道经营，已劝离。",
  矛盾纠纷线索: "巡查了解到{place}住户间因琐事有矛盾苗头，已上报。",
  特殊人群走访: "走访{name}，了解近期生活就业情况，情绪稳定。",
  独居老人走访: "走访独居老人{name}，身体状况良好，提醒注意防诈骗。",
};

const DISPUTE_SUMMARIES: Readonly<Record<string, string>> = {
  邻里纠纷: "双方因{issue}问题发生矛盾，多次争吵。",
  婚姻家庭纠纷: "夫妻因家庭琐事、财产问题产生矛盾。",
  劳资纠纷: "申请人反映被拖欠工资，要求单位支付。",
  物业纠纷: "业主与物业公司因物业费及服务质量发生纠纷。",
  土地承包纠纷: "双方因承包地边界问题发生争执。",
  损害赔偿纠纷: "双方因财物损坏赔偿问题发生争执。",
  房屋宅基地纠纷: "双方因宅基地界址问题发生争执。",
};

export function gridWorkers(city: City): SiloDataset<GridWorkerRecord> {
  return {
    silo: "grid",
    name: "gridWorkers",
    file: "grid/grid-workers.jsonl",
    keyField: "workerNo",
    unitCount: city.plan.grids.length,
    recordCount: (g) => city.gridWorkerCount(g),
    records(g) {
      const grid = city.plan.grids[g]!;
      return city.gridWorkers(g).map((w): Emitted<GridWorkerRecord> => {
        const p = city.person(w.personIndex);
        const log = dirtLog(city, "grid", "gridWorkers", g, w.ordinal);
        const truth = emptyTruth("grid", "gridWorkers", w.workerNo);
        const record: GridWorkerRecord = {
          workerNo: w.workerNo,
          name: nameAsSeen(log, p, "name"),
          sex: sexName(p.sex),
          idNumber: idAsSeen(log, p, "idNumber"),
          mobile: phoneAsSeen(log, p, city.household(p.householdIndex), "mobile"),
          gridCode: grid.code,
          gridName: grid.name,
          communityName: grid.community.name,
          streetName: grid.street.name,
          post: w.post,
          onDutySince: formatDate(w.sinceDay, "iso"),
          status: "在岗",
        };
        const fields: PersonFields = { name: "name", sex: "sex", phone: "mobile" };
        if (record.idNumber !== null) fields.id = "idNumber";
        addPerson(truth, p.key, "worker", fields);
        truth.areas.push({ field: "gridCode", code: grid.code });
        return emit(record, truth, log);
      });
    },
  };
}

export function gridAddresses(city: City): SiloDataset<GridAddressRecord> {
  return {
    silo: "grid",
    name: "addresses",
    file: "grid/addresses.jsonl",
    keyField: "addressCode",
    unitCount: city.plan.addressCount,
    recordCount: () => 1,
    records(a) {
      const addr = city.address(a);
      const h = city.householdAt(a);
      const occupancy = h === null ? "空置" : city.plan.hhResidence[h] === 0 ? "自住" : "出租";
      const record: GridAddressRecord = {
        addressCode: addr.code,
        gridCode: addr.gridCode,
        province: addr.province,
        city: addr.city,
        district: addr.district,
        street: addr.street,
        community: addr.community,
        road: addr.road,
        doorNumber: addr.doorNumber,
        compound: addr.compound,
        building: addr.building,
        unit: addr.unit,
        floor: addr.floor,
        room: addr.room,
        fullAddress: addr.fullText,
        lng: addr.lng,
        lat: addr.lat,
        housingUse: "住宅",
        occupancy,
      };
      const truth = emptyTruth("grid", "addresses", addr.code);
      addAddress(truth, a, "addressCode", { precision: addr.compound ? "room" : "house" });
      truth.areas.push({ field: "gridCode", code: addr.gridCode });
      return [emit(record, truth, null)];
    },
  };
}

export function gridUnits(city: City): SiloDataset<GridUnitRecord> {
  const count = city.counts.socialOrganisations + city.counts.companies;
  const numbers = new Permutation(Math.max(count, 1), permutationKey(city.plan.base, "unitNo"));
  return {
    silo: "grid",
    name: "units",
    file: "grid/units.jsonl",
    keyField: "unitNo",
    unitCount: count,
    recordCount: () => 1,
    records(k) {
      const org = city.organisation(k);
      const rng = streamRng(city.plan.base, "gridUnit", k);
      const log = dirtLog(city, "grid", "units", k);
      const addr = city.address(org.addressIndex);
      const rep = city.person(org.legalRepresentative);
      const key = `DW${addr.gridCode}${padded(numbers.apply(k), 6)}`;
      const truth = emptyTruth("grid", "units", key);
      const codeKnown = !rng.chance(UNIT_CODE_UNKNOWN_SHARE);
      const representativeId = rng.chance(UNIT_REPRESENTATIVE_ID_UNKNOWN_SHARE)
        ? null
        : idAsSeen(log, rep, "legalPersonIdNumber");
      const record: GridUnitRecord = {
        unitNo: key,
        unitName: org.name,
        creditCode: codeKnown ? org.uscc : null,
        unitType: org.kind === "socialOrg" ? "社会组织" : org.orgType,
        gridCode: addr.gridCode,
        addressCode: addr.code,
        address: addr.fullText,
        legalPerson: nameAsSeen(log, rep, "legalPerson"),
        legalPersonIdNumber: representativeId,
        phone: org.phone,
        status: org.status,
      };
      truth.organisations.push({
        organisation: org.key,
        role: "subject",
        fields: codeKnown ? { code: "creditCode", name: "unitName" } : { name: "unitName" },
      });
      addPerson(
        truth,
        rep.key,
        "legalRepresentative",
        representativeId === null
          ? { name: "legalPerson" }
          : { name: "legalPerson", id: "legalPersonIdNumber" },
      );
      addAddress(truth, org.addressIndex, "addressCode", { precision: addr.compound ? "room" : "house" });
      truth.areas.push({ field: "gridCode", code: addr.gridCode });
      return [emit(record, truth, log)];
    },
  };
}

/** A person as the grid records them in a visit or a dispute (name, ID, phone, address). */
function personEntry(
  city: City,
  truth: GroundTruthRecord,
  log: ReturnType<typeof dirtLog>,
  p: Person,
  role: string,
  field: string,
  withAddress: boolean,
): { name: string | null; idNumber: string | null; phone: string | null; address: string | null } {
  const prefix = field === "" ? "" : `${field}.`;
  const name = nameAsSeen(log, p, `${prefix}name`);
  const idNumber = idAsSeen(log, p, `${prefix}idNumber`);
  const phone = phoneAsSeen(log, p, city.household(p.householdIndex), `${prefix}phone`);
  let address: string | null = null;
  const fields: PersonFields = { name: `${prefix}name` };
  if (idNumber !== null) fields.id = `${prefix}idNumber`;
  if (phone !== null) fields.phone = `${prefix}phone`;
  if (withAddress) {
    const a = currentAddressAsSeen(log, p, `${prefix}address`);
    const text = addressText(city.address(a), "full");
    address = text.text;
    fields.address = `${prefix}address`;
    addAddress(truth, a, `${prefix}address`, text, a !== p.currentAddress);
  }
  addPerson(truth, p.key, role, fields);
  return { name, idNumber, phone, address };
}

export function gridPatrolReports(city: City): SiloDataset<PatrolReport> {
  const n = city.counts.patrolReports;
  const numbers = new Permutation(Math.max(n, 1), permutationKey(city.plan.base, "reportNo"));
  return {
    silo: "grid",
    name: "patrolReports",
    file: "grid/patrol-reports.jsonl",
    keyField: "reportNo",
    unitCount: n,
    recordCount: () => 1,
    records(r) {
      const plan = city.plan;
      const rng = streamRng(plan.base, "patrol", r);
      const log = dirtLog(city, "grid", "patrolReports", r);
      const time = eventTime(city, r, n, rng);
      const g = city.person(rng.int(0, plan.personCount - 1)).gridIndex;
      const grid = plan.grids[g]!;
      const worker = city.gridWorkers(g)[0]!;
      const workerPerson = city.person(worker.personIndex);
      const type = PATROL_TABLE.pick(rng);
      const key = `XC${formatTime(time, "compact").slice(0, 8)}${padded(numbers.apply(r), 7)}`;
      const truth = emptyTruth("grid", "patrolReports", key);
      let visited: VisitedPerson | null = null;
      let addressIndex = rng.int(plan.gridAddrStart[g]!, plan.gridAddrStart[g + 1]! - 1);
      let name = "";
      if (type === "特殊人群走访" || type === "独居老人走访") {
        const p =
          type === "独居老人走访" ? city.randomAdult(rng, 70, 104, g) : city.randomAdult(rng, 18, 70, g);
        const entry = personEntry(city, truth, log, p, "visited", "visitedPerson", false);
        visited = { name: entry.name, idNumber: entry.idNumber, phone: entry.phone };
        name = entry.name ?? "";
        addressIndex = p.currentAddress;
      }
      const addr = city.address(addressIndex);
      const place = addressText(addr, "full");
      const handledDay = Math.floor(time / 86_400) + rng.int(0, 5);
      const handled = rng.chance(0.85)
        ? Math.max(time + 1800, handledDay * 86_400 + rng.int(8 * 3600, 18 * 3600))
        : null;
      const record: PatrolReport = {
        reportNo: key,
        gridCode: grid.code,
        workerNo: worker.workerNo,
        reporterName: workerPerson.name,
        reportedAt: formatTime(time, "iso"),
        type,
        description: (PATROL_DESCRIPTIONS[type] ?? "{place}")
          .replace("{place}", addr.compound ?? addr.road)
          .replace("{name}", name),
        addressCode: addr.code,
        addressText: place.text,
        visitedPerson: visited,
        status: handled === null ? rng.pick(["已上报", "处置中"]) : "已办结",
        handledAt: handled === null ? null : formatTime(handled, "iso"),
      };
      addPerson(truth, workerPerson.key, "reporter", { name: "reporterName" });
      addAddress(truth, addressIndex, "addressCode", place);
      truth.areas.push({ field: "gridCode", code: grid.code });
      truth.event = `E-PAT-${padded(r, 7)}`;
      return [emit(record, truth, log)];
    },
  };
}

interface DisputeCore {
  time: number;
  type: string;
  first: Person;
  second: Person | Organisation;
  address: number;
  issue: string;
  sourceRef: string | null;
  event: string;
}

const isOrganisation = (x: Person | Organisation): x is Organisation => "uscc" in x;

export function gridDisputes(city: City): SiloDataset<DisputeRecord> {
  const plan = city.plan;
  const organic = city.counts.disputes;
  const transfers = city.counts.disputeTransfers;
  const units = organic + transfers;
  const numbers = new Permutation(Math.max(units, 1), permutationKey(plan.base, "disputeNo"));
  const incidentNumbers = new Permutation(
    Math.max(city.counts.incidents, 1),
    permutationKey(plan.base, "JJDBH"),
  );

  function core(u: number, rng: Rng): DisputeCore {
    if (u >= organic) {
      const e =
        (u - organic) * CROSS_SILO_LINKS.incidentToDispute.stride + CROSS_SILO_LINKS.incidentToDispute.offset;
      const inc = incidentCore(city, e);
      return {
        time: inc.time,
        type: "邻里纠纷",
        first: inc.reporter,
        second: inc.other ?? neighbourOf(city, rng, inc.reporter),
        address: inc.address,
        issue: inc.issue,
        sourceRef: incidentNumber(incidentNumbers, e, inc.time),
        event: `E-INC-${padded(e, 7)}`,
      };
    }
    const type = DISPUTE_TABLE.pick(rng);
    const time = eventTime(city, u, organic, rng);
    const first = city.randomAdult(rng, 18, 85);
    let second: Person | Organisation;
    let address = first.currentAddress;
    switch (type) {
      case "婚姻家庭纠纷": {
        const spouse = city
          .household(first.householdIndex)
          .members.find((m) => m.index !== first.index && m.ageAsOf >= 18);
        second = spouse ?? neighbourOf(city, rng, first);
        break;
      }
      case "劳资纠纷":
      case "物业纠纷": {
        const org = city.randomCompany(rng);
        second = org;
        if (type === "劳资纠纷") address = org.addressIndex;
        break;
      }
      case "损害赔偿纠纷":
        second = city.randomAdult(rng, 18, 85, first.gridIndex);
        if (second.index === first.index) second = neighbourOf(city, rng, first);
        break;
      default:
        second = neighbourOf(city, rng, first);
    }
    return {
      time,
      type,
      first,
      second,
      address,
      issue: rng.pick(["噪音", "漏水", "停车", "宠物", "垃圾堆放"]),
      sourceRef: null,
      event: `E-DIS-${padded(u, 7)}`,
    };
  }

  return {
    silo: "grid",
    name: "disputes",
    file: "grid/disputes.jsonl",
    keyField: "disputeNo",
    unitCount: units,
    recordCount: () => 1,
    records(u) {
      const rng = streamRng(plan.base, "dispute", u);
      const c = core(u, rng);
      const log = dirtLog(city, "grid", "disputes", u);
      const key = `MD${formatTime(c.time, "compact").slice(0, 8)}${padded(numbers.apply(u), 6)}`;
      const truth = emptyTruth("grid", "disputes", key);
      const addr = city.address(c.address);
      const grid = plan.grids[addr.gridIndex]!;
      // the grid worker mediates, unless they are a party themselves: then the community committee
      const partyIndices = [c.first.index, isOrganisation(c.second) ? -1 : c.second.index];
      const worker = city
        .gridWorkers(addr.gridIndex)
        .map((w) => city.person(w.personIndex))
        .find((p) => !partyIndices.includes(p.index));
      const parties: DisputeParty[] = [];
      const a = personEntry(city, truth, log, c.first, "party", "parties[0]", true);
      parties.push({ role: "申请人", partyType: "自然人", creditCode: null, ...a });
      if (isOrganisation(c.second)) {
        const org = c.second;
        parties.push({
          role: "被申请人",
          partyType: "单位",
          name: org.name,
          idNumber: null,
          phone: org.phone,
          address: city.address(org.addressIndex).fullText,
          creditCode: rng.chance(0.5) ? org.uscc : null,
        });
        const orgFields = parties[1]!.creditCode
          ? { code: "parties[1].creditCode", name: "parties[1].name" }
          : { name: "parties[1].name" };
        truth.organisations.push({ organisation: org.key, role: "party", fields: orgFields });
        addAddress(truth, org.addressIndex, "parties[1].address", { precision: "room" });
      } else {
        const b = personEntry(city, truth, log, c.second, "party", "parties[1]", true);
        parties.push({ role: "被申请人", partyType: "自然人", creditCode: null, ...b });
      }
      const registered = Math.max(
        c.time + 600,
        (Math.floor(c.time / 86_400) + rng.int(0, 2)) * 86_400 + rng.int(8 * 3600, 18 * 3600),
      );
      const place = addressText(addr, "full");
      const record: DisputeRecord = {
        disputeNo: key,
        gridCode: grid.code,
        type: c.type,
        summary: (DISPUTE_SUMMARIES[c.type] ?? "").replace("{issue}", c.issue),
        occurredAt: formatTime(c.time, "iso"),
        registeredAt: formatTime(registered, "iso"),
        addressCode: addr.code,
        addressText: place.text,
        parties,
        mediator: worker ? worker.name : `${grid.community.name}人民调解委员会`,
        mediationStatus: MEDIATION_TABLE.pick(rng),
        warningLevel: WARNING_TABLE.pick(rng),
        sourceRef: c.sourceRef,
      };
      if (worker) addPerson(truth, worker.key, "mediator", { name: "mediator" });
      addAddress(truth, c.address, "addressCode", place);
      truth.areas.push({ field: "gridCode", code: grid.code });
      truth.event = c.event;
      truth.matter = c.event;
      return [emit(record, truth, log)];
    },
  };
}
