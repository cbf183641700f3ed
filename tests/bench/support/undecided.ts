// Which person references the data itself leaves undecided, for the resolve benchmark's ceiling:
// the best pairwise scores a resolver can reach on this city without guessing. A reference is
// undecided when nothing the silos hold tells its person from others, so linking it would be a
// coin toss (and a wrong link puts strangers in one file).
//
// Two kinds are counted, the ones the generator makes undecidable by construction, when the
// reference gives a name alone, the name reached the silo unaltered, and at least one other adult
// resident bears it:
// - a unit's legal representative (法定代表人) whose unit gives a landline: the generator draws the
//   representative uniformly from the city's adults in an age band, and the unit's name and
//   address say nothing of them;
// - the other party to a 110 theft or fight (类别 02, 03): drawn uniformly from the city's adults,
//   so the incident's place says nothing of them either (a neighbour dispute's other party lives
//   next door and is not counted).
// Callers, reporters and the like carry a phone or a place, which may or may not decide them; they
// count as decided, so the ceiling is an upper bound: a resolver may fall short of it, never
// exceed it. A reference whose name reached the silo altered (dirt) also counts as decided.
import {
  type City,
  type GroundTruthRecord,
  type Organisation,
  personIndexOfKey,
} from "../../../sandbox/generator/index.js";

/** A mainland mobile number (a unit's 联系电话 that is one can tie it to its holder). */
const MOBILE = /^1\d{10}$/;

const organisationIndex = (key: string) => {
  const m = /^O(\d+)$/.exec(key);
  if (!m) throw new Error(`not an organisation truth key: ${key}`);
  return Number(m[1]);
};

interface Subject {
  truth: GroundTruthRecord;
  valueAt(path: string): unknown;
  unit(): Organisation | null;
}

/** "<dataset>/<role>" → when a name-only reference of that role says nothing else of its person. */
const UNDECIDED_WHEN: Readonly<Record<string, (s: Subject) => boolean>> = {
  "socialOrganisations/legalRepresentative": (s) => !MOBILE.test((s.unit()?.phone ?? "").replace(/\D/g, "")),
  "units/legalRepresentative": (s) => !MOBILE.test((s.unit()?.phone ?? "").replace(/\D/g, "")),
  "incidents/involved": (s) => ["02", "03"].includes(String(s.valueAt("JQLB"))),
};

/**
 * For each record, the indices of its `persons` the data leaves undecided. Counts the adult
 * residents per name once (a pass over every household: seconds at a million persons).
 */
export function undecidedReferences(
  city: City,
): (truth: GroundTruthRecord, valueAt: (path: string) => unknown) => number[] {
  const adultsByName = new Map<string, number>();
  for (let h = 0; h < city.plan.householdCount; h++)
    for (const p of city.household(h).members)
      if (p.ageAsOf >= 18) adultsByName.set(p.name, (adultsByName.get(p.name) ?? 0) + 1);

  return (truth, valueAt) => {
    const subject: Subject = {
      truth,
      valueAt,
      unit() {
        const o = truth.organisations.find((x) => x.role === "subject");
        return o ? city.organisation(organisationIndex(o.organisation)) : null;
      },
    };
    const out: number[] = [];
    truth.persons.forEach((ref, i) => {
      const when = UNDECIDED_WHEN[`${truth.dataset}/${ref.role}`];
      if (!when || !ref.fields.name || Object.keys(ref.fields).some((k) => k !== "name")) return;
      const person = city.person(personIndexOfKey(ref.person));
      if (valueAt(ref.fields.name) !== person.name) return;
      if ((adultsByName.get(person.name) ?? 0) >= 2 && when(subject)) out.push(i);
    });
    return out;
  };
}
