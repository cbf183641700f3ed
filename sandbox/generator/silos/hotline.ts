// 12345 hotline (政务服务便民热线): work orders (工单) in a snake_case schema, as a typical
// Java/MySQL ticket system exports them. Callers give a name (often just 张先生), a phone and rarely
// an ID; the address is whatever they said. Some 110 non-police calls arrive as transfers.

import { addressText } from "../addresses.js";
import { addWorkingDays, dayOfSeconds, formatDate, formatTime, secondsOfDay } from "../calendar.js";
import type { City } from "../city.js";
import type { Emitted, SiloDataset } from "../dataset.js";
import { DirtLog, idAsSeen, isDuplicated, nameAsSeen, phoneAsSeen, sexAsSeen } from "../dirt.js";
import type { Organisation } from "../organisations.js";
import { CROSS_SILO_LINKS } from "../presets.js";
import { Permutation, permutationKey, type Rng, streamRng, WeightedTable, weighted } from "../rng.js";
import {
  HOTLINE_CHANNELS,
  HOTLINE_SLA_WORKING_DAYS,
  HOTLINE_TOPICS,
  HOTLINE_URGENT_SHARE,
  type HotlineCategory,
  type HotlineTopic,
  SATISFACTION,
} from "../tables/codes.js";
import { emptyTruth, type GroundTruthRecord, type PersonFields } from "../truth.js";
import { addAddress, addPerson, emit, eventTime, padded, sexNameOf } from "./common.js";
import { incidentCore, incidentNumber } from "./public-security.js";

export interface HotlineWorkOrder {
  order_no: string;
  channel: string;
  caller_name: string | null;
  caller_phone: string | null;
  caller_id_no: string | null;
  /** 来电人性别 ("男" / "女"), as the operator heard it; null when left blank. */
  caller_sex: string | null;
  category: HotlineCategory;
  urgency: "一般" | "紧急";
  topic: string;
  title: string;
  content: string;
  address: string | null;
  district: string;
  street: string;
  street_code: string;
  /** 被反映单位 */
  target_unit: string | null;
  handling_unit: string;
  created_at: string;
  deadline: string;
  status: string;
  closed_at: string | null;
  satisfaction: string | null;
  /** 来源编号: the 110 接警单编号 for transfers. */
  source_ref: string | null;
}

const TOPIC_TABLE = new WeightedTable(HOTLINE_TOPICS.map((t) => ({ value: t, weight: t.weight })));
const CHANNEL_TABLE = weighted(HOTLINE_CHANNELS.filter(([, w]) => w > 0));
const SATISFACTION_TABLE = weighted(SATISFACTION);

/** Which hotline topic a transferred 110 non-police call becomes, by a word of its content. */
const TRANSFER_TOPICS: readonly (readonly [string, string])[] = [
  ["漏水", "物业服务"],
  ["噪音", "噪音扰民"],
  ["路灯", "市政设施"],
  ["停水", "供水供电"],
];

/** Share of orders (by category) that come without any address. */
const NO_ADDRESS_SHARE: Record<HotlineCategory, number> = {
  咨询: 0.7,
  求助: 0.15,
  投诉: 0.05,
  建议: 0.2,
  举报: 0.05,
};

export const handlingUnitName = (unit: string, district: string, street: string) =>
  unit === "{street}" ? `${district}${street}${street.endsWith("镇") ? "人民政府" : "办事处"}` : unit;

/** A company name as a caller says it: often without the city prefix or the legal form. */
function spokenUnitName(org: Organisation, rng: Rng): string {
  if (rng.chance(0.6)) return org.name;
  return org.name.replace(/^(南通市|南通|江苏)/, "").replace(/有限公司$/, "公司");
}

interface OrderCore {
  created: number;
  topic: HotlineTopic;
  category: HotlineCategory;
  urgent: boolean;
  caller: ReturnType<City["person"]>;
  address: number;
  hasAddress: boolean;
  target: Organisation | null;
  content: string;
  channel: string;
  sourceRef: string | null;
  event: string;
}

interface Lifecycle {
  deadline: string;
  status: string;
  closedAt: string | null;
  satisfaction: string | null;
}

function lifecycle(
  city: City,
  rng: Rng,
  created: number,
  category: HotlineCategory,
  urgent: boolean,
): Lifecycle {
  const createdDay = dayOfSeconds(created);
  const deadlineDay = addWorkingDays(
    createdDay,
    urgent ? HOTLINE_SLA_WORKING_DAYS.紧急 : HOTLINE_SLA_WORKING_DAYS[category],
  );
  const deadline = `${formatDate(deadlineDay, "iso")} 23:59:59`;
  const asOf = city.clock.asOfDay;
  const closeDay = rng.chance(0.93)
    ? createdDay + rng.int(0, deadlineDay - createdDay)
    : deadlineDay + rng.int(1, 10);
  if (closeDay <= asOf) {
    const closed = Math.max(created + 600, secondsOfDay(closeDay) + rng.int(9 * 3600, 18 * 3600));
    const visited = rng.chance(0.8);
    return {
      deadline,
      status: visited ? "已回访" : "已办结",
      closedAt: formatTime(closed, "sql"),
      satisfaction: visited ? SATISFACTION_TABLE.pick(rng) : null,
    };
  }
  const status =
    createdDay >= asOf ? "待受理" : deadlineDay < asOf ? "超期未办结" : rng.pick(["已派单", "办理中"]);
  return { deadline, status, closedAt: null, satisfaction: null };
}

export function hotlineWorkOrders(city: City): SiloDataset<HotlineWorkOrder> {
  const plan = city.plan;
  const organic = city.counts.hotlineOrders;
  const transfers = city.counts.hotlineTransfers;
  const units = organic + transfers;
  const orderNumbers = new Permutation(2 * units, permutationKey(plan.base, "orderNo"));
  const incidentNumbers = new Permutation(
    Math.max(city.counts.incidents, 1),
    permutationKey(plan.base, "JJDBH"),
  );
  const duplicateLog = (u: number) => new DirtLog("hotline", streamRng(plan.base, "dirt:workOrders:dup", u));
  const isDup = (u: number) => u < organic && isDuplicated(duplicateLog(u));

  function core(u: number): OrderCore {
    const rng = streamRng(plan.base, "hotline", u);
    if (u >= organic) {
      const e =
        (u - organic) * CROSS_SILO_LINKS.incidentToHotline.stride + CROSS_SILO_LINKS.incidentToHotline.offset;
      const inc = incidentCore(city, e);
      const topicName = TRANSFER_TOPICS.find(([word]) => inc.template.includes(word))?.[1] ?? "市政设施";
      const topic = HOTLINE_TOPICS.find((t) => t.topic === topicName)!;
      const place = addressText(city.address(inc.address), "landmark", rng);
      const category: HotlineCategory = inc.template.includes("咨询")
        ? "咨询"
        : rng.pick(["求助", "投诉"] as const);
      return {
        created: inc.time + rng.int(10 * 60, 90 * 60),
        topic,
        category,
        urgent: false,
        caller: inc.reporter,
        address: inc.address,
        hasAddress: true,
        target: null,
        content: `110转办：${inc.template.replace("{place}", place.text).replace("报警人称", "市民反映")}`,
        channel: "110转办",
        sourceRef: incidentNumber(incidentNumbers, e, inc.time),
        event: `E-INC-${padded(e, 7)}`,
      };
    }
    const topic = TOPIC_TABLE.pick(rng);
    const [category, template] = rng.pick(topic.templates);
    const urgent = (category === "求助" || category === "投诉") && rng.chance(HOTLINE_URGENT_SHARE);
    const created = eventTime(city, u, organic, rng);
    const caller = city.randomAdult(rng, 18, 85);
    const nearHome = rng.chance(0.7);
    const g = caller.gridIndex;
    const address = nearHome
      ? caller.currentAddress
      : rng.int(plan.gridAddrStart[g]!, plan.gridAddrStart[g + 1]! - 1);
    const target = topic.aboutUnit && rng.chance(0.7) ? city.randomCompany(rng) : null;
    const hasAddress = !rng.chance(NO_ADDRESS_SHARE[category]);
    const place = addressText(city.address(address), "landmark", rng);
    const content = template
      .replace("{place}", hasAddress ? place.text : "所在小区")
      .replace("{unit}", target ? spokenUnitName(target, rng) : "某单位");
    return {
      created,
      topic,
      category,
      urgent,
      caller,
      address,
      hasAddress,
      target,
      content,
      channel: CHANNEL_TABLE.pick(rng),
      sourceRef: null,
      event: `E-HOT-${padded(u, 7)}`,
    };
  }

  function build(u: number, copy: 0 | 1, c: OrderCore, firstKey: string | null): Emitted<HotlineWorkOrder> {
    const rng = streamRng(plan.base, "hotlineRecord", u, copy);
    const log = new DirtLog("hotline", streamRng(plan.base, "dirt:workOrders", u, copy));
    const created = copy === 0 ? c.created : c.created + rng.int(5 * 60, 180 * 60);
    const key = `${formatDate(dayOfSeconds(created), "compact")}${padded(orderNumbers.apply(2 * u + copy), 8)}`;
    const truth: GroundTruthRecord = emptyTruth("hotline", "workOrders", key);
    const addr = city.address(c.address);
    const place = addressText(addr, "colloquial", rng);
    const hh = city.household(c.caller.householdIndex);
    const life = lifecycle(city, rng, created, c.category, c.urgent);
    const callerName = nameAsSeen(log, c.caller, "caller_name", { spoken: true });
    const callerPhone = phoneAsSeen(log, c.caller, hh, "caller_phone");
    const callerId = idAsSeen(log, c.caller, "caller_id_no");
    const record: HotlineWorkOrder = {
      order_no: key,
      channel: copy === 0 ? c.channel : CHANNEL_TABLE.pick(rng),
      caller_name: callerName,
      caller_phone: callerPhone,
      caller_id_no: callerId,
      // drawn after the caller's other dirt: the rest of the record does not depend on it
      caller_sex: sexNameOf(sexAsSeen(log, c.caller, "caller_sex", callerName)),
      category: c.category,
      urgency: c.urgent ? "紧急" : "一般",
      topic: c.topic.topic,
      title: `${c.topic.topic}${c.category}`,
      content: copy === 0 ? c.content : `${rng.chance(0.5) ? "重复来电，" : ""}${c.content}`,
      address: c.hasAddress ? place.text : null,
      district: addr.district,
      street: addr.street,
      street_code: addr.streetCode,
      target_unit: c.target ? spokenUnitName(c.target, rng) : null,
      handling_unit: handlingUnitName(c.topic.unit, addr.district, addr.street),
      created_at: formatTime(created, "sql"),
      deadline: life.deadline,
      status: life.status,
      closed_at: life.closedAt,
      satisfaction: life.satisfaction,
      source_ref: c.sourceRef,
    };
    const fields: PersonFields = { phone: "caller_phone" };
    if (record.caller_name !== null) fields.name = "caller_name";
    if (record.caller_id_no !== null) fields.id = "caller_id_no";
    if (record.caller_sex !== null) fields.sex = "caller_sex";
    addPerson(truth, c.caller.key, "caller", fields);
    if (c.hasAddress) addAddress(truth, c.address, "address", place);
    if (c.target) {
      truth.organisations.push({
        organisation: c.target.key,
        role: "target",
        fields: { name: "target_unit" },
      });
    }
    truth.areas.push({ field: "street_code", code: addr.streetCode });
    truth.event = c.event;
    truth.matter = c.event;
    truth.duplicateOf = firstKey;
    // the duplicate draw is the unit's: tally it on the first copy, mark it on the second
    const dup = duplicateLog(u);
    if (copy === 0 && u < organic) isDuplicated(dup);
    if (copy === 1) log.record("", "duplicate");
    return emit(record, truth, log, dup.eligible);
  }

  return {
    silo: "hotline",
    name: "workOrders",
    file: "hotline/work-orders.jsonl",
    keyField: "order_no",
    unitCount: units,
    recordCount: (u) => (isDup(u) ? 2 : 1),
    records(u) {
      const c = core(u);
      const first = build(u, 0, c, null);
      if (!isDup(u)) return [first];
      return [first, build(u, 1, c, first.truth.sourceKey)];
    },
  };
}
