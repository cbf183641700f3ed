// Places for what lies outside the area tree, so that nothing the hub holds is invisible: an
// organisation registered in another city, a person whose home is elsewhere, a record naming a
// division the registry does not know. Each city gets two areas of its own, at district level, so
// the city's command centre (whose jurisdiction is the whole city) sees them and no district does:
//   市外  — a division code of another city or province (境外/市外);
//   区划不明 — no division at all, or a code inside the city that the registry does not know.
// Their codes use the last two district digits (98, 99), which GB/T 2260 leaves to no county here.

export const OUTSIDE_AREA_KINDS = {
  OUTSIDE_CITY: { suffix: "98", name: "市外" },
  UNKNOWN_AREA: { suffix: "99", name: "区划不明" },
} as const;
export type OutsideAreaKind = keyof typeof OUTSIDE_AREA_KINDS;

/** The code of a city's special area ("320600" → "320698"). */
export const outsideAreaCode = (kind: OutsideAreaKind, cityCode: string) =>
  `${cityCode.slice(0, 4)}${OUTSIDE_AREA_KINDS[kind].suffix}`;

/** The special area a code names, if it is one. */
export function outsideAreaKindOf(code: string): OutsideAreaKind | null {
  if (code.length !== 6) return null;
  for (const [kind, spec] of Object.entries(OUTSIDE_AREA_KINDS))
    if (code.endsWith(spec.suffix)) return kind as OutsideAreaKind;
  return null;
}

/**
 * Where a division code the registry does not know belongs: inside one of the cities (its first
 * four digits are the city's), then that city's 区划不明; else outside all of them, 市外 of the
 * first city. A value that is no division code at all is 区划不明. `cities` are city codes, sorted.
 */
export function placeUnknownCode(
  code: string | null | undefined,
  cities: readonly string[],
): { kind: OutsideAreaKind; cityCode: string } | null {
  const first = cities[0];
  if (!first) return null;
  if (!code || !/^(\d{6}|\d{9}|\d{12}|\d{15})$/.test(code)) return { kind: "UNKNOWN_AREA", cityCode: first };
  const city = cities.find((c) => c.slice(0, 4) === code.slice(0, 4));
  return city ? { kind: "UNKNOWN_AREA", cityCode: city } : { kind: "OUTSIDE_CITY", cityCode: first };
}
