// Standard addresses (一标: 省-市-县 → 乡镇街道 → 社区/村 → 街路巷 → 门牌 → 楼栋 → 单元 → 层 → 户),
// derived from (seed, address index) and the plan's grid layout, and the ways each silo writes
// them down as text.
import { DEMO_CITY } from "../city/areas.js";
import { type CityPlan, type GridInfo, gridOfAddress } from "./plan.js";
import { type Rng, streamRng } from "./rng.js";
import { COMPOUND_STEMS, COMPOUND_SUFFIXES, chineseNumber, PROVINCE_NAME } from "./tables/places.js";

export interface StandardAddress {
  index: number;
  /** Internal truth key. */
  key: string;
  /** 地址编码: grid code + 5-digit number inside the grid (what the grid system calls it). */
  code: string;
  gridIndex: number;
  gridCode: string;
  communityCode: string;
  streetCode: string;
  districtCode: string;
  province: string;
  city: string;
  district: string;
  street: string;
  community: string;
  /** 街路巷, or the village group (组) in the countryside. */
  road: string;
  /** 门牌号, e.g. "88号". */
  doorNumber: string;
  /** 小区 (urban only). */
  compound: string | null;
  building: string | null;
  unit: string | null;
  floor: number | null;
  room: string | null;
  lng: number;
  lat: number;
  fullText: string;
}

export type AddressPrecision = "room" | "building" | "compound" | "road" | "house" | "group";

export interface AddressText {
  text: string;
  precision: AddressPrecision;
}

export const addressKey = (a: number) => `A${String(a).padStart(8, "0")}`;

export function addressIndexOfKey(key: string): number {
  const m = /^A(\d+)$/.exec(key);
  if (!m) throw new Error(`not an address key: ${key}`);
  return Number(m[1]);
}

interface Compound {
  road: string;
  door: number;
  name: string;
  lng: number;
  lat: number;
}

function compoundOf(plan: CityPlan, grid: GridInfo, c: number): Compound {
  if (grid.layout.kind !== "urban") throw new Error("compounds are urban");
  const rng = streamRng(plan.base, "compound", grid.index * 1000 + c);
  const stemIndex = (grid.index * 7 + c * 5 + rng.int(0, 3)) % COMPOUND_STEMS.length;
  const communityStem = grid.community.name.replace(/社区$/, "");
  const stem = c === 0 && rng.chance(0.5) ? communityStem : COMPOUND_STEMS[stemIndex]!;
  return {
    road: grid.layout.roads[c % 2]!,
    door: c * 37 + rng.int(1, 30),
    name: `${stem}${rng.pick(COMPOUND_SUFFIXES)}`,
    lng: grid.centre[0] + (rng.float() - 0.5) * 0.008,
    lat: grid.centre[1] + (rng.float() - 0.5) * 0.006,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function standardAddress(plan: CityPlan, a: number): StandardAddress {
  const gridIndex = gridOfAddress(plan, a);
  const grid = plan.grids[gridIndex]!;
  const j = a - plan.gridAddrStart[gridIndex]!;
  const prefix = `${PROVINCE_NAME}${DEMO_CITY.name}${grid.district.name}${grid.street.name}${grid.community.name}`;
  const layout = grid.layout;
  let road: string;
  let doorNumber: string;
  let compound: string | null = null;
  let building: string | null = null;
  let unit: string | null = null;
  let floor: number | null = null;
  let room: string | null = null;
  let lng: number;
  let lat: number;
  let fullText: string;
  if (layout.kind === "urban") {
    const roomsPerUnit = layout.floors * layout.roomsPerFloor;
    const perBuilding = layout.unitsPerBuilding * roomsPerUnit;
    const perCompound = layout.buildingsPerCompound * perBuilding;
    const inCompound = j % perCompound;
    const b = Math.floor(inCompound / perBuilding) + 1;
    const inBuilding = inCompound % perBuilding;
    const u = Math.floor(inBuilding / roomsPerUnit) + 1;
    const inUnit = inBuilding % roomsPerUnit;
    floor = Math.floor(inUnit / layout.roomsPerFloor) + 1;
    const roomNo = `${floor * 100 + (inUnit % layout.roomsPerFloor) + 1}`;
    const c = compoundOf(plan, grid, Math.floor(j / perCompound));
    road = c.road;
    doorNumber = `${c.door}号`;
    compound = c.name;
    building = `${b}幢`;
    unit = `${u}单元`;
    room = `${roomNo}室`;
    lng = round6(c.lng + b * 0.00011);
    lat = round6(c.lat + u * 0.00007);
    fullText = `${prefix}${road}${doorNumber}${compound}${building}${unit}${room}`;
  } else {
    const group = layout.firstGroup + Math.floor(j / layout.housesPerGroup);
    const house = (j % layout.housesPerGroup) + 1;
    road = `${group}组`;
    doorNumber = `${house}号`;
    lng = round6(grid.centre[0] + group * 0.0013 + house * 0.00004);
    lat = round6(grid.centre[1] + (house % 7) * 0.00006);
    fullText = `${prefix}${road}${doorNumber}`;
  }
  return {
    index: a,
    key: addressKey(a),
    code: `${grid.code}${String(j + 1).padStart(5, "0")}`,
    gridIndex,
    gridCode: grid.code,
    communityCode: grid.community.code,
    streetCode: grid.street.code,
    districtCode: grid.district.code,
    province: PROVINCE_NAME,
    city: DEMO_CITY.name,
    district: grid.district.name,
    street: grid.street.name,
    community: grid.community.name,
    road,
    doorNumber,
    compound,
    building,
    unit,
    floor,
    room,
    lng,
    lat,
    fullText,
  };
}

/** How the silos write addresses. */
/** "landmark" is a place named in running text (a compound, a road number, a village group). */
export type AddressStyle = "full" | "registry" | "civil" | "petition" | "colloquial" | "place" | "landmark";

const shortStreet = (street: string) => street.replace(/(街道|镇)$/, "");

/**
 * An address as one silo writes it. "colloquial" (a caller's words) and "place" (an incident
 * location) vary and need a stream; the formal styles are fixed.
 */
export function addressText(addr: StandardAddress, style: AddressStyle, rng?: Rng): AddressText {
  const urban = addr.compound !== null;
  const building = addr.building ?? "";
  const bNo = building.replace("幢", "");
  const unitRoom = `${addr.unit ?? ""}${addr.room ?? ""}`;
  const group = addr.road.replace("组", "");
  switch (style) {
    case "full":
      return { text: addr.fullText, precision: urban ? "room" : "house" };
    case "registry":
      return urban
        ? {
            text: `${addr.province}${addr.city}${addr.district}${addr.road}${addr.doorNumber}${addr.compound}${building}${unitRoom}`,
            precision: "room",
          }
        : {
            text: `${addr.province}${addr.city}${addr.district}${addr.street}${addr.community}${addr.road}${addr.doorNumber}`,
            precision: "house",
          };
    case "civil":
      return urban
        ? {
            text: `${addr.district}${addr.street}${addr.community}${addr.compound}${building}${addr.room}`,
            precision: "room",
          }
        : {
            text: `${addr.district}${addr.street}${addr.community}${addr.road}${addr.doorNumber}`,
            precision: "house",
          };
    case "petition":
      return urban
        ? {
            text: `${addr.city}${addr.district}${addr.street}${addr.compound}${building}${unitRoom}`,
            precision: "room",
          }
        : {
            text: `${addr.city}${addr.district}${addr.street}${addr.community}${addr.road}${addr.doorNumber}`,
            precision: "house",
          };
    case "colloquial": {
      if (!rng) throw new Error("colloquial addresses need a stream");
      if (!urban) {
        return rng.chance(0.6)
          ? {
              text: `${shortStreet(addr.street)}${addr.community}${chineseNumber(Number(group))}组${addr.doorNumber}`,
              precision: "house",
            }
          : { text: `${addr.community}${addr.road}`, precision: "group" };
      }
      const room = (addr.room ?? "").replace("室", "");
      switch (rng.int(0, 5)) {
        case 0:
          return { text: `${addr.compound}${bNo}栋${room}`, precision: "room" };
        case 1:
          return { text: `${addr.road}${addr.doorNumber}${addr.compound}${bNo}号楼`, precision: "building" };
        case 2:
          return {
            text: `${shortStreet(addr.street)}${addr.compound}${building}${addr.unit}`,
            precision: "building",
          };
        case 3:
          return { text: `${addr.district}${addr.road}${addr.compound}门口`, precision: "compound" };
        case 4:
          return {
            text: `${addr.compound}${addr.compound?.endsWith("小区") ? "" : "小区"}内`,
            precision: "compound",
          };
        default:
          return { text: `${addr.road}${addr.doorNumber}附近`, precision: "road" };
      }
    }
    case "landmark": {
      if (!urban) return { text: `${addr.community}${addr.road}`, precision: "group" };
      return rng?.chance(0.4)
        ? { text: `${addr.road}${addr.doorNumber}`, precision: "road" }
        : { text: addr.compound ?? addr.road, precision: "compound" };
    }
    case "place": {
      if (!rng) throw new Error("incident places need a stream");
      if (!urban) {
        return rng.chance(0.5)
          ? { text: `${addr.district}${addr.street}${addr.community}${addr.road}`, precision: "group" }
          : { text: `${addr.street}${addr.community}${addr.road}${addr.doorNumber}`, precision: "house" };
      }
      switch (rng.int(0, 2)) {
        case 0:
          return {
            text: `${addr.district}${addr.road}${addr.doorNumber}${addr.compound}${building}楼下`,
            precision: "building",
          };
        case 1:
          return { text: `${addr.road}${addr.compound}门口`, precision: "compound" };
        default:
          return { text: `${addr.district}${addr.street}${addr.road}附近`, precision: "road" };
      }
    }
  }
}
