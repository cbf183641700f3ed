// Repeat (重复访) and collective (集体访) petitions: the same petitioner — the resolved person, so a
// letter, a visit and a hotline complaint of one person count together whatever silo they came
// from — on the same matter within a window; and a matter brought by at least N people. The window
// and N are configuration (REPEAT_PETITION_WINDOW_DAYS, COLLECTIVE_PETITION_MIN_PEOPLE). Pure.

export interface PetitionFacts {
  id: string;
  /** Resolved persons who petitioned (EventPerson PETITIONER or REPORTER). */
  personIds: readonly string[];
  /** What it is about: the petition's issue category, a ticket's topic, else its title. */
  matter: string;
  at: Date;
}

/** Matters compare without case, spaces and punctuation (。，、 and ASCII alike). */
export function matterKey(matter: string): string {
  return matter.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
}

/** Earlier petitions this one repeats: a shared petitioner, the same matter, within the window. */
export function repeatsOf(
  current: PetitionFacts,
  earlier: readonly PetitionFacts[],
  windowDays: number,
): string[] {
  const key = matterKey(current.matter);
  const since = current.at.getTime() - windowDays * 86_400_000;
  const persons = new Set(current.personIds);
  return earlier
    .filter(
      (e) =>
        e.id !== current.id &&
        e.at.getTime() >= since &&
        e.at.getTime() <= current.at.getTime() &&
        key !== "" &&
        matterKey(e.matter) === key &&
        e.personIds.some((p) => persons.has(p)),
    )
    .map((e) => e.id);
}

/** A collective petition: at least `minPeople` people, counted or named, whichever is more. */
export function isCollective(
  personCount: number | null,
  namedPetitioners: number,
  minPeople: number,
): boolean {
  return Math.max(personCount ?? 0, namedPetitioners) >= minPeople;
}
