// 督办: an overdue event escalates one level up, to the centre above the one that holds it. The
// centre that holds an event is the nearest street, district or city at or above its area (a
// grid's or community's matter is its street centre's); the one above is that area's parent (the
// city's centre supervises itself). Pure.
import type { AreaLevel } from "../area.js";

export const CENTRE_LEVELS: readonly AreaLevel[] = ["STREET", "DISTRICT", "CITY"];

export interface AreaOnPath {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
}

/**
 * The area whose centre supervises an overdue event, given the event's area and its ancestors
 * from the city down (the event's own area last).
 */
export function escalationTarget(chain: readonly AreaOnPath[]): AreaOnPath | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    if (CENTRE_LEVELS.includes(chain[i]!.level)) return chain[i - 1] ?? chain[i]!;
  }
  return null;
}
