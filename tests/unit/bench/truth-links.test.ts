// The resolve benchmark's correspondence between the generator's ground truth and the connectors'
// element drafts (tests/bench/support/truth-links.ts), checked against the mappings themselves on
// a generated city: every truth reference that names someone becomes the draft ref the table says,
// and that draft holds the values the truth's field paths point at.
import { describe, expect, it } from "vitest";
import type { ElementDraft, PersonDraft } from "../../../connectors/contract.js";
import { BUILTIN_CONNECTORS } from "../../../connectors/departments/index.js";
import { DATASETS, SILOS, type Silo, valueAt } from "../../../sandbox/generator/index.js";
import {
  indexTruthLine,
  ORGANISATION_REFS,
  PERSON_REFS,
  placeRoute,
  TruthIndex,
} from "../../bench/support/truth-links.js";
import {
  asCsvRow,
  asJson,
  asXmlDecoded,
  draftsOf,
  type Encoding,
  siloItems,
} from "../departments/support.js";

const ENCODINGS: Record<Silo, Encoding> = {
  publicSecurity: asJson,
  civilAffairs: asCsvRow,
  hotline: asJson,
  petition: asXmlDecoded,
  grid: asJson,
};

const asText = (v: unknown) => (v === null || v === undefined ? null : String(v));

describe.each(SILOS)("truth → draft refs: %s", (silo) => {
  const items = siloItems(silo, ENCODINGS[silo]);
  const map = BUILTIN_CONNECTORS[silo].map;

  it("meets every dataset of the silo", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS[silo]));
  });

  it("every named person reference is the draft the table names, with the values at its paths", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const item of items) {
      const drafts = draftsOf(map(item.input));
      const byRef = new Map<string, ElementDraft>(
        drafts.filter((d) => d.element === "PERSON").map((d) => [d.ref, d]),
      );
      const claimed = new Set<string>();
      for (const [i, p] of item.truth.persons.entries()) {
        if (Object.keys(p.fields).length === 0) continue;
        const rule = PERSON_REFS[`${item.dataset}/${p.role}`];
        if (!rule) {
          problems.push(`${item.dataset}/${p.role}: no rule`);
          continue;
        }
        const ref = rule(item.truth, i);
        const d = ref === null ? undefined : (byRef.get(ref) as PersonDraft | undefined);
        if (ref === null || !d) {
          problems.push(`${item.truth.sourceKey} ${p.role}: no person draft ${ref}`);
          continue;
        }
        // a second reference to the same draft (the head who is the recipient) holds the first's values
        if (claimed.has(ref)) continue;
        claimed.add(ref);
        checked++;
        const f = p.fields;
        if (f.name && d.name !== asText(valueAt(item.record, f.name)))
          problems.push(`${item.truth.sourceKey} ${ref}: name ${d.name}`);
        if (f.id && d.citizenId !== asText(valueAt(item.record, f.id)))
          problems.push(`${item.truth.sourceKey} ${ref}: id ${d.citizenId}`);
        if (f.phone && d.phone !== asText(valueAt(item.record, f.phone)))
          problems.push(`${item.truth.sourceKey} ${ref}: phone ${d.phone}`);
      }
      // and no person draft is left that no truth reference accounts for
      for (const ref of byRef.keys())
        if (!claimed.has(ref)) problems.push(`${item.truth.sourceKey}: draft ${ref} has no truth reference`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it("every organisation reference is the draft the table names, with its name", () => {
    const problems: string[] = [];
    for (const item of items) {
      const drafts = draftsOf(map(item.input));
      for (const [i, o] of item.truth.organisations.entries()) {
        const rule = ORGANISATION_REFS[`${item.dataset}/${o.role}`];
        const ref = rule ? rule(item.truth, i) : null;
        const d = drafts.find((x) => x.element === "ORGANISATION" && x.ref === ref);
        if (d?.element !== "ORGANISATION") {
          problems.push(`${item.truth.sourceKey} ${o.role}: no organisation draft ${ref}`);
          continue;
        }
        if (o.fields.name && d.name !== asText(valueAt(item.record, o.fields.name)))
          problems.push(`${item.truth.sourceKey} ${ref}: name ${d.name}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("every address reference has a route; place texts are a person draft's address", () => {
    const problems: string[] = [];
    for (const item of items) {
      const drafts = draftsOf(map(item.input));
      item.truth.addresses.forEach((a, i) => {
        const route = placeRoute(item.truth, i);
        if (route.via === "none" && route.category === "unmapped")
          problems.push(`${item.dataset} ${a.field}: unmapped`);
        if (route.via === "draft" && !drafts.some((d) => d.element === "ADDRESS" && d.ref === route.ref))
          problems.push(`${item.truth.sourceKey} ${a.field}: no address draft ${route.ref}`);
        if (route.via === "text") {
          // the link the ingest keeps for it: "<person draft ref>.address.<kind>"
          const text = asText(valueAt(item.record, a.field));
          const held = drafts.some(
            (d) =>
              d.element === "PERSON" &&
              (d.addresses ?? []).some((x) => x.text === text && route.ref === `${d.ref}.address.${x.kind}`),
          );
          if (!held)
            problems.push(`${item.truth.sourceKey} ${a.field}: no person draft ${route.ref} holds "${text}"`);
        }
      });
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it("indexes every reference of the silo: none unmapped", () => {
    const index = new TruthIndex();
    for (const item of items)
      indexTruthLine(index, {
        ...item.truth,
        addressTexts: item.truth.addresses.map((a) => asText(valueAt(item.record, a.field))),
        undecided: [],
      });
    for (const ds of index.datasets) {
      expect(ds.refs.person.unmapped, ds.dataset).toBe(0);
      expect(ds.refs.organisation.unmapped, ds.dataset).toBe(0);
      expect(ds.refs.place.unmapped, ds.dataset).toBe(0);
    }
    expect(index.records).toBe(items.length);
  });
});
