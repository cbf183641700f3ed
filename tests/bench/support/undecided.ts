// Which person references the data itself leaves undecided, for the resolve benchmark's ceiling:
// the best pairwise scores a resolver can reach on this city without guessing. A reference is
// undecided when nothing the silos hold tells its person from others, so linking it would be a
// coin toss (and a wrong link puts strangers in one file).
//
// Counted as undecided (each is undecidable by how the generator makes the city):
// - a name alone (with the sex the silo wrote down, if any), when the name reached the silo
//   unaltered and at least one other adult resident bears it (and agrees with that sex), for a
//   unit's legal representative (法定代表人) whose unit gives a landline (the
//   generator draws the representative uniformly from the city's adults in an age band, and the
//   unit's name and address say nothing of them), and for the other party to a 110 theft or fight
//   (类别 02, 03, drawn the same way, so the incident's place says nothing of them either; a
//   neighbour dispute's other party lives next door and is not counted);
// - a phone without an ID, when at least two residents the role admits hold that number (the
//   registry gives a household's phoneless members its family phone) and agree with whatever name
//   form the record gives (none, "王先生", or the full name) and with the sex it gives (12345's
//   来电人性别, when the operator wrote one down), or, when no holder agrees with both,
//   at least two of the holders' housemates do: they live together, so a place says nothing
//   either.
// Everything else counts as decided (a relative's mobile given as one's own, for one, which points
// at the relative), so the ceiling is an upper bound: a resolver may fall short of it, never exceed
// it. Undecided references of one person that give the same evidence may be folded together, so
// the ceiling keeps them in one group.
import {
  type City,
  type GroundTruthRecord,
  type Organisation,
  type Person,
  personIndexOfKey,
} from "../../../sandbox/generator/index.js";
import { HONORIFICS } from "../../../sandbox/generator/tables/names.js";

/** A sex as a silo writes it (12345 "男" / "女", 110 GB/T 2261.1 "1" / "2"); null when blank. */
const sexGiven = (v: unknown): 1 | 2 | null =>
  v === "男" || v === "1" ? 1 : v === "女" || v === "2" ? 2 : null;

/** A mainland mobile number (a unit's 联系电话 that is one can tie it to its holder). */
const MOBILE = /^1\d{10}$/;

/** A phone as digits, without a country prefix (+86, 0086). */
const digits = (phone: string) => {
  const d = phone.replace(/\D/g, "");
  return /^(0086|86)1\d{10}$/.test(d) ? d.slice(-11) : d;
};

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
const NAME_ONLY_UNDECIDED: Readonly<Record<string, (s: Subject) => boolean>> = {
  "socialOrganisations/legalRepresentative": (s) => !MOBILE.test(digits(s.unit()?.phone ?? "")),
  "units/legalRepresentative": (s) => !MOBILE.test(digits(s.unit()?.phone ?? "")),
  "incidents/involved": (s) => ["02", "03"].includes(String(s.valueAt("JQLB"))),
};

/** Roles only an adult holds (as the hub's mention matcher assumes: domain/resolution/mention-match.ts). */
const ADULT_ROLES = new Set(["legalRepresentative", "caller", "reporter"]);

/** A reference the data leaves undecided: its index in `persons`, and the evidence it gives. */
export interface UndecidedRef {
  ref: number;
  evidence: string;
}

/**
 * For each record, its `persons` the data leaves undecided. Counts adult residents per name and
 * the holders of each phone once (a pass over every household: seconds at a million persons).
 */
export function undecidedReferences(
  city: City,
): (truth: GroundTruthRecord, valueAt: (path: string) => unknown) => UndecidedRef[] {
  const adultsByName = new Map<string, number>();
  const adultsByNameSex = new Map<string, number>();
  const holders = new Map<string, Person[]>();
  for (let h = 0; h < city.plan.householdCount; h++)
    for (const p of city.household(h).members) {
      if (p.ageAsOf >= 18) {
        adultsByName.set(p.name, (adultsByName.get(p.name) ?? 0) + 1);
        const key = `${p.name}|${p.sex}`;
        adultsByNameSex.set(key, (adultsByNameSex.get(key) ?? 0) + 1);
      }
      if (p.contactPhone) {
        const key = digits(p.contactPhone);
        const list = holders.get(key);
        if (list) list.push(p);
        else holders.set(key, [p]);
      }
    }
  const agrees = (p: Person, name: unknown, sex: 1 | 2 | null) =>
    (name === null || name === undefined || name === p.name || name === `${p.surname}${HONORIFICS[p.sex]}`) &&
    (sex === null || sex === p.sex);

  return (truth, valueAt) => {
    const subject: Subject = {
      truth,
      valueAt,
      unit() {
        const o = truth.organisations.find((x) => x.role === "subject");
        return o ? city.organisation(organisationIndex(o.organisation)) : null;
      },
    };
    const out: UndecidedRef[] = [];
    truth.persons.forEach((ref, i) => {
      const given = Object.keys(ref.fields);
      const name = ref.fields.name ? valueAt(ref.fields.name) : null;
      const sex = ref.fields.sex ? sexGiven(valueAt(ref.fields.sex)) : null;
      if (ref.fields.name && given.every((k) => k === "name" || k === "sex")) {
        const when = NAME_ONLY_UNDECIDED[`${truth.dataset}/${ref.role}`];
        const person = city.person(personIndexOfKey(ref.person));
        const namesakes =
          sex !== null
            ? (adultsByNameSex.get(`${person.name}|${sex}`) ?? 0)
            : (adultsByName.get(person.name) ?? 0);
        if (when && name === person.name && namesakes >= 2 && when(subject))
          out.push({ ref: i, evidence: `name:${person.name}|sex:${sex ?? ""}` });
        return;
      }
      if (!ref.fields.phone || given.some((k) => !["name", "phone", "address", "sex"].includes(k))) return;
      const phone = valueAt(ref.fields.phone);
      if (typeof phone !== "string" || phone === "") return;
      const admits = (p: Person) => (!ADULT_ROLES.has(ref.role) || p.ageAsOf >= 18) && agrees(p, name, sex);
      const holding = holders.get(digits(phone)) ?? [];
      let candidates = holding.filter(admits);
      // no holder fits the name or sex ("王先生" on his wife's mobile): his household's members are next
      if (candidates.length === 0)
        candidates = [...new Set(holding.map((p) => p.householdIndex))]
          .flatMap((h) => city.household(h).members)
          .filter(admits);
      if (candidates.length >= 2)
        out.push({ ref: i, evidence: `phone:${digits(phone)}|name:${name ?? ""}|sex:${sex ?? ""}` });
    });
    return out;
  };
}
