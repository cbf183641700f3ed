// Household shapes (家庭结构) as data. The plan draws a shape per household to know its size; the
// citizen generator draws it again from the same stream (first draws), then fills in the members.
import { type Rng, weighted } from "./rng.js";

export const HOUSEHOLD_SHAPES = [
  { id: 0, name: "独居", weight: 20 }, // one adult
  { id: 1, name: "夫妻", weight: 15 }, // working-age couple
  { id: 2, name: "老年夫妻", weight: 14 }, // elderly couple
  { id: 3, name: "核心家庭", weight: 33 }, // couple + children
  { id: 4, name: "单亲家庭", weight: 4 }, // one parent + children
  { id: 5, name: "三代同堂", weight: 14 }, // couple + children + the head's parent(s)
] as const;

export type HouseholdShapeId = (typeof HOUSEHOLD_SHAPES)[number]["id"];

const SHAPE_TABLE = weighted(HOUSEHOLD_SHAPES.map((s) => [s.id as HouseholdShapeId, s.weight] as const));
const CORE_CHILDREN = weighted([
  [1, 60],
  [2, 35],
  [3, 5],
] as const);
const SINGLE_PARENT_CHILDREN = weighted([
  [1, 75],
  [2, 25],
] as const);
const THREE_GEN_CHILDREN = weighted([
  [1, 65],
  [2, 35],
] as const);
const THREE_GEN_ELDERS = weighted([
  [1, 40],
  [2, 60],
] as const);

export interface HouseholdShape {
  shape: HouseholdShapeId;
  adults: number; // head and spouse
  children: number;
  elders: number; // the head's parents
  size: number;
}

/** Draw a household shape: always the first draws of the household's stream. */
export function drawHouseholdShape(rng: Rng): HouseholdShape {
  const shape = SHAPE_TABLE.pick(rng);
  switch (shape) {
    case 0:
      return { shape, adults: 1, children: 0, elders: 0, size: 1 };
    case 1:
    case 2:
      return { shape, adults: 2, children: 0, elders: 0, size: 2 };
    case 3: {
      const children = CORE_CHILDREN.pick(rng);
      return { shape, adults: 2, children, elders: 0, size: 2 + children };
    }
    case 4: {
      const children = SINGLE_PARENT_CHILDREN.pick(rng);
      return { shape, adults: 1, children, elders: 0, size: 1 + children };
    }
    case 5: {
      const children = THREE_GEN_CHILDREN.pick(rng);
      const elders = THREE_GEN_ELDERS.pick(rng);
      return { shape, adults: 2, children, elders, size: 2 + children + elders };
    }
  }
}
