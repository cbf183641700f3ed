// Writing the city to disk: each silo dataset as JSON Lines, the ground truth (evaluation only) as
// a separate JSON Lines file, the truth entities, and a summary. Streams unit by unit with a
// bounded write buffer, so memory stays flat whatever the preset.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { addressKey } from "./addresses.js";
import { formatDate } from "./calendar.js";
import { householdKey, personKey } from "./citizens.js";
import { type City, createCity } from "./city.js";
import type { SiloDataset } from "./dataset.js";
import { organisationKey } from "./organisations.js";
import type { GeneratorOptions } from "./presets.js";
import { siloDatasets } from "./silos/index.js";
import { type GroundTruthRecord, type Summary, SummaryBuilder } from "./truth.js";

const FLUSH_BYTES = 1 << 20;

/** A JSON Lines file written synchronously in ~1 MiB chunks. */
export class JsonlWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  lines = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
  }

  write(value: unknown): void {
    const line = JSON.stringify(value);
    this.buffer.push(line);
    this.size += line.length * 3;
    this.lines++;
    if (this.size >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join("\n")}\n`);
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Write ground-truth records as JSON Lines to `path`; returns how many were written. */
export function writeGroundTruth(path: string, records: Iterable<GroundTruthRecord>): number {
  const w = new JsonlWriter(path);
  for (const r of records) w.write(r);
  w.close();
  return w.lines;
}

/** Truth entities (evaluation only): the persons, organisations and addresses as they really are. */
export function writeTruthEntities(city: City, dir: string): Record<string, number> {
  const persons = new JsonlWriter(join(dir, "persons.jsonl"));
  for (let h = 0; h < city.plan.householdCount; h++) {
    const hh = city.household(h);
    for (const p of hh.members) {
      const grid = city.plan.grids[p.gridIndex]!;
      persons.write({
        key: p.key,
        name: p.name,
        surname: p.surname,
        givenName: p.givenName,
        sex: p.sex,
        birthDate: p.birthDate,
        ethnicity: p.ethnicity,
        citizenId: p.citizenId,
        legacyId: p.legacyId,
        phone: p.phone,
        contactPhone: p.contactPhone,
        household: householdKey(h),
        relation: p.relation,
        residence: p.residence,
        registeredAddress: addressKey(p.registeredAddress),
        currentAddress: addressKey(p.currentAddress),
        formerAddress: p.formerAddress >= 0 ? addressKey(p.formerAddress) : null,
        movedIn: hh.movedInDay === null ? null : formatDate(hh.movedInDay, "iso"),
        gridCode: grid.code,
        disability: p.disability,
        rareCharacter: p.rareCharacter?.char ?? null,
      });
    }
  }
  persons.close();
  const orgs = new JsonlWriter(join(dir, "organisations.jsonl"));
  const orgCount = city.counts.socialOrganisations + city.counts.companies;
  for (let k = 0; k < orgCount; k++) {
    const o = city.organisation(k);
    orgs.write({
      key: organisationKey(k),
      kind: o.kind,
      uscc: o.uscc,
      name: o.name,
      orgType: o.orgType,
      legalRepresentative: personKey(o.legalRepresentative),
      address: addressKey(o.addressIndex),
      divisionCode: o.divisionCode,
      registrationAuthority: o.registrationAuthority,
      registeredDate: formatDate(o.registeredDay, "iso"),
      status: o.status,
    });
  }
  orgs.close();
  const addresses = new JsonlWriter(join(dir, "addresses.jsonl"));
  for (let a = 0; a < city.plan.addressCount; a++) {
    const ad = city.address(a);
    addresses.write({
      key: ad.key,
      code: ad.code,
      gridCode: ad.gridCode,
      fullText: ad.fullText,
      lng: ad.lng,
      lat: ad.lat,
    });
  }
  addresses.close();
  return { persons: persons.lines, organisations: orgs.lines, addresses: addresses.lines };
}

export interface WriteOptions {
  /** Also write truth/persons.jsonl, organisations.jsonl, addresses.jsonl (default true). */
  truthEntities?: boolean;
  /** Called after each dataset is written. */
  onDataset?: (dataset: SiloDataset, records: number) => void;
}

export interface WriteResult {
  summary: Summary;
  files: string[];
}

/**
 * Generate the city for `options` and write everything under `outDir`:
 * <silo>/<dataset>.jsonl, ground-truth.jsonl, truth/*.jsonl, summary.json.
 */
export function writeCity(options: GeneratorOptions, outDir: string, write: WriteOptions = {}): WriteResult {
  const city = createCity(options);
  const files: string[] = [];
  const truthCounts: Record<string, number> = {
    persons: city.counts.persons,
    households: city.counts.households,
    addresses: city.counts.addresses,
    grids: city.counts.grids,
    gridWorkers: city.counts.gridWorkers,
    socialOrganisations: city.counts.socialOrganisations,
    companies: city.counts.companies,
  };
  const summary = new SummaryBuilder(city.options.seed, city.options.preset, truthCounts);
  const truthPath = join(outDir, "ground-truth.jsonl");
  const truth = new JsonlWriter(truthPath);
  for (const ds of siloDatasets(city)) {
    const path = join(outDir, ds.file);
    const w = new JsonlWriter(path);
    for (let u = 0; u < ds.unitCount; u++) {
      for (const e of ds.records(u)) {
        w.write(e.record);
        truth.write(e.truth);
        summary.add(ds.file, e.truth, e.eligible);
      }
    }
    w.close();
    files.push(path);
    write.onDataset?.(ds, w.lines);
  }
  truth.close();
  files.push(truthPath);
  if (write.truthEntities !== false) {
    writeTruthEntities(city, join(outDir, "truth"));
    files.push(join(outDir, "truth"));
  }
  const built = summary.build();
  const summaryPath = join(outDir, "summary.json");
  writeFileSync(summaryPath, `${JSON.stringify(built, null, 2)}\n`);
  files.push(summaryPath);
  return { summary: built, files };
}
