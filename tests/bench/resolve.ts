// `npm run bench:resolve -- --scale test|demo|bench [--seed S]`: how well the hub resolves the
// people, organisations and places of the five department systems into one graph, measured against
// the synthetic city's ground truth, and what it costs.
//
// Set-up (support/sandbox-graph.ts): a throwaway embedded PostgreSQL (migrated, seeded) and the
// sandbox department systems for the preset in a process of their own; every built-in connector
// runs to completion, grid first. That is timed as "ingest + resolve" (the hub resolves while it
// ingests). If integration/resolution/index.ts exports resolvePending(db), a post-ingest pass, it
// runs next and is timed on its own, and then again incrementally: with nothing changed, after 1 %
// of the mentions and after 1 % of the registered persons were re-written. Then a child process
// writes the generator's ground truth (support/ground-truth.ts) to a temp file, outside the timed part.
//
// Evaluation (support/truth-links.ts): every truth reference to a person, organisation or place is
// followed to the canonical row the graph linked it to; references the graph does not link count as
// entities of their own (and are counted, per dataset, so that a mapping gap cannot hide). Prints
// pairwise precision, recall and F1 per entity kind (support/pairwise.ts), the persons' ceiling (the
// same with the references the data leaves undecided kept apart, support/undecided.ts), per-dataset coverage,
// and, for tuning the matcher, the false splits and false merges of persons by dirt kind, dataset
// role and silo pair with a few concrete examples (support/resolve-diagnostics.ts), and for places
// the wrong and missed pairs by silo pair with a few examples and the texts they gave. Writes
// tests/.artifacts/bench-resolve-<scale>.json. Nothing is asserted: a benchmark, not a test; it
// exits 1 only when it could not measure.
//
//   npm run bench:resolve -- --scale demo
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Db } from "../../prisma/db.js";
import { DIRT_TABLE, PRESET_NAMES, type PresetName } from "../../sandbox/generator/index.js";
import { writeTruthInChild } from "./support/ground-truth.js";
import { runBench, SCALE_BUDGET_MIN } from "./support/harness.js";
import { rerunWithStartFlags } from "./support/hub-process.js";
import { groupBy, type PairwiseScores, pairwise } from "./support/pairwise.js";
import {
  type CpuSnapshot,
  commandLine,
  cpuBetween,
  cpuSnapshot,
  descendantsOf,
  RssSampler,
} from "./support/proc.js";
import { fixed, formatTable, mib } from "./support/report.js";
import {
  type Diagnostics,
  diagnose,
  type ExampleGroup,
  type StrayRef,
  topList,
} from "./support/resolve-diagnostics.js";
import { ingestSandboxGraph, statementsByTime } from "./support/sandbox-graph.js";
import { TreeMemorySampler } from "./support/tree-memory.js";
import {
  ceilingClusters,
  type DatasetCounts,
  ENTITY_KINDS,
  type EntityKind,
  entityIdsOf,
  linkTruthToGraph,
  type RefCounts,
  STATUS_NAMES,
  type TruthIndex,
  truthLines,
  withSingletons,
} from "./support/truth-links.js";

const USAGE = `usage: npm run bench:resolve -- [--scale test|demo|bench] [--seed S] [--waves W] [--keep-truth] [--pg-statements]
  --scale       sandbox preset: test (5k persons), demo (50k, default), bench (1M)
  --seed        generator seed (default citygraph)
  --waves       connectors side by side, wave after wave: "grid;public-security;civil-affairs,hotline-12345,petition"
                (";" between waves, "," within one; unnamed connectors run alone afterwards; default: one after another)
  --keep-truth  keep the ground-truth JSON Lines file (its path is printed)
  --pg-statements  also print where PostgreSQL's time went in the ingest, statement by statement
                (pg_stat_statements, those run by triggers and foreign keys included); counting
                them costs time, so the run's own times are not comparable with a run without`;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESOLUTION_MODULE = path.resolve(HERE, "../../integration/resolution/index.ts");

interface Options {
  scale: PresetName;
  seed: string;
  waves: string[][] | undefined;
  keepTruth: boolean;
  pgStatements: boolean;
}

/** What the resolution pass made of each split's stray person references, and what they gave. */
interface PassVerdicts {
  byVerdict: Record<string, number>;
  byVerdictAndProfile: Record<string, number>;
}

/**
 * For each stray person reference: in a registered person's file (the ingest or the pass put it
 * with someone else), or a mention the pass queued for review with its own person, queued with
 * another, or left apart (no candidate clear enough to queue).
 */
async function passVerdicts(client: pg.Client, strays: readonly StrayRef[]): Promise<PassVerdicts> {
  const out: PassVerdicts = { byVerdict: {}, byVerdictAndProfile: {} };
  if (strays.length === 0) return out;
  const ids = await entityIdsOf(client, "person", [...new Set(strays.flatMap((s) => [s.item, s.main]))]);
  const entities = [...new Set(strays.map((s) => ids.get(s.item)).filter((id): id is string => !!id))];
  const rows = await client.query<{ id: string; registered: boolean; candidates: string[] | null }>(
    `SELECT p.id::text, p."citizenId" IS NOT NULL AS registered,
            (SELECT array_agg(m."candidateId"::text) FROM "MatchCandidate" m
             WHERE m."entityType" = 'PERSON' AND m."entityId" = p.id AND m.status = 'OPEN') AS candidates
     FROM "Person" p WHERE p.id = ANY($1::uuid[])`,
    [entities],
  );
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  for (const s of strays) {
    const row = byId.get(ids.get(s.item) ?? "");
    const main = ids.get(s.main);
    const verdict = !row
      ? "unlinked"
      : row.registered
        ? "in a registered person's file"
        : !row.candidates
          ? "left apart"
          : main && row.candidates.includes(main)
            ? "queued with its person"
            : "queued with another";
    out.byVerdict[verdict] = (out.byVerdict[verdict] ?? 0) + 1;
    const key = `${verdict}: ${s.profile}`;
    out.byVerdictAndProfile[key] = (out.byVerdictAndProfile[key] ?? 0) + 1;
  }
  return out;
}

function parseOptions(): Options {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const { values } = parseArgs({
    args,
    options: {
      scale: { type: "string", default: "demo" },
      seed: { type: "string", default: "citygraph" },
      "keep-truth": { type: "boolean", default: false },
      "pg-statements": { type: "boolean", default: false },
      waves: { type: "string" },
      // other benchmarks' options, which `npm run bench -- …` passes to every one: ignored here
      duration: { type: "string" },
      warmup: { type: "string" },
      "max-minutes": { type: "string" },
      "query-stats": { type: "boolean" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n${USAGE}\n`);
    process.exit(2);
  };
  if (!(PRESET_NAMES as readonly string[]).includes(values.scale))
    fail(`--scale must be one of ${PRESET_NAMES.join(", ")}, not "${values.scale}"`);
  if (!/^[\w.-]{1,64}$/.test(values.seed)) fail("--seed must be 1–64 letters, digits, _ . -");
  return {
    scale: values.scale as PresetName,
    seed: values.seed,
    waves: values.waves?.split(";").map((w) =>
      w
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
    keepTruth: values["keep-truth"],
    pgStatements: values["pg-statements"],
  };
}

type ResolvePending = (db: Db, options?: { full?: boolean }) => Promise<unknown>;

/** The post-ingest resolution pass, when the hub has one (imported late: it may not exist yet). */
async function loadResolvePending(): Promise<ResolvePending | null> {
  if (!fs.existsSync(RESOLUTION_MODULE)) return null;
  const mod = (await import(RESOLUTION_MODULE)) as { resolvePending?: unknown };
  return typeof mod.resolvePending === "function" ? (mod.resolvePending as ResolvePending) : null;
}

interface IncrementalFigure {
  change: string;
  touched: number;
  ms: number;
  mentions: number | null;
  registryChanged: number | null;
  merged: number | null;
}

/**
 * The incremental pass after the full one: nothing changed, then 1 % of the mentions re-written
 * (as a re-sync of their records recomputes them), then 1 % of the registered persons: each pass's
 * time and how many mentions it looked at.
 */
async function incrementalPasses(
  db: Db,
  resolvePending: ResolvePending,
  log: (line: string) => void,
): Promise<IncrementalFigure[]> {
  const figures: IncrementalFigure[] = [];
  const run = async (change: string, touched: number) => {
    const started = performance.now();
    const outcome = (await resolvePending(db)) as Record<string, unknown>;
    const n = (k: string) => (typeof outcome[k] === "number" ? (outcome[k] as number) : null);
    const figure = {
      change,
      touched,
      ms: Math.round(performance.now() - started),
      mentions: n("mentions"),
      registryChanged: n("registryChanged"),
      merged: n("merged"),
    };
    figures.push(figure);
    log(
      `  ${change} (${touched} persons): ${fixed(figure.ms / 1000, 2)} s, looked at ${figure.mentions ?? "?"} mentions (registry changed ${figure.registryChanged ?? "?"}, merged ${figure.merged ?? "?"})`,
    );
  };
  // a stable 1 % (by a hash of the id), re-written as a sync recomputing them would
  const touch = (registered: boolean) =>
    db.$executeRawUnsafe(
      `UPDATE "Person" SET "updatedAt" = now() WHERE id IN (
         SELECT id FROM "Person" WHERE "citizenId" IS ${registered ? "NOT " : ""}NULL
         ORDER BY md5(id::text) LIMIT (SELECT ceil(count(*) / 100.0) FROM "Person" WHERE "citizenId" IS ${registered ? "NOT " : ""}NULL))`,
    );
  await run("nothing changed", 0);
  await run("1 % of mentions touched", await touch(false));
  await run("1 % of registered persons touched", await touch(true));
  return figures;
}

/** Samples PostgreSQL's memory once its postmaster appears among this process's descendants. */
function samplePostgresWhenItStarts(): { sampler: () => TreeMemorySampler | null; stop(): void } {
  let sampler: TreeMemorySampler | null = null;
  const timer = setInterval(() => {
    if (sampler) return;
    const pid = descendantsOf(process.pid).find((p) => {
      const cmd = commandLine(p);
      return /\/postgres\b/.test(cmd) && cmd.includes(" -D ");
    });
    if (pid !== undefined) sampler = new TreeMemorySampler(pid).start();
  }, 500);
  timer.unref();
  return {
    sampler: () => sampler,
    stop() {
      clearInterval(timer);
      sampler?.stop();
    },
  };
}

/**
 * The persons' ceiling (support/undecided.ts): the truth's clusters with the undecided references
 * kept apart, scored against the truth; and where the hub put those references (with a reference
 * of their own person outside their group, or with another person's).
 */
function personCeiling(c: TruthIndex["refs"]["person"], predicted: Int32Array) {
  const undecided = c.undecided.view();
  const truth = c.truth.view();
  const groups = groupBy(predicted);
  const clusterOf = new Int32Array(predicted.length);
  for (let g = 0; g < groups.count; g++)
    for (let k = groups.starts[g]!; k < groups.starts[g + 1]!; k++) clusterOf[groups.order[k]!] = g;
  const byLabel: Record<string, number> = {};
  let count = 0;
  let linkedRight = 0;
  let linkedWrong = 0;
  for (let i = 0; i < undecided.length; i++) {
    if (undecided[i]! < 0) continue;
    count++;
    const label = c.labels.names[c.label.get(i)]!;
    byLabel[label] = (byLabel[label] ?? 0) + 1;
    const g = clusterOf[i]!;
    let right = false;
    let wrong = false;
    for (let k = groups.starts[g]!; k < groups.starts[g + 1]!; k++) {
      const j = groups.order[k]!;
      if (truth[j] !== truth[i]) wrong = true;
      else if (undecided[j] !== undecided[i]) right = true;
    }
    if (wrong) linkedWrong++;
    else if (right) linkedRight++;
  }
  return {
    scores: pairwise(truth, ceilingClusters(c)),
    undecided: count,
    byLabel,
    groups: c.undecidedGroups.names.length,
    linkedRight,
    linkedWrong,
  };
}

const sumCounts = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

function scoresTable(
  scores: Record<EntityKind, PairwiseScores>,
  unlinked: Record<EntityKind, number>,
): string {
  return formatTable(
    [
      { title: "kind", align: "left" },
      { title: "refs" },
      { title: "unlinked" },
      { title: "true clusters" },
      { title: "predicted" },
      { title: "true pairs" },
      { title: "predicted pairs" },
      { title: "TP" },
      { title: "precision" },
      { title: "recall" },
      { title: "F1" },
    ],
    ENTITY_KINDS.map((k) => {
      const s = scores[k];
      return [
        k,
        String(s.items),
        String(unlinked[k]),
        String(s.trueClusters),
        String(s.predictedClusters),
        String(s.truePairs),
        String(s.predictedPairs),
        String(s.truePositives),
        fixed(s.precision, 4),
        fixed(s.recall, 4),
        fixed(s.f1, 4),
      ];
    }),
  );
}

function datasetTable(datasets: readonly DatasetCounts[]): string {
  const refs = (r: RefCounts) => {
    const u = sumCounts(r.unlinked);
    return u === 0 ? String(r.refs) : `${r.refs} (${u} unlinked)`;
  };
  const notScored = (d: DatasetCounts) => {
    const parts: string[] = [];
    for (const k of ENTITY_KINDS) {
      const r = d.refs[k];
      const n = r.unnamed + r.sameDraft + r.unmapped + sumCounts(r.excluded);
      if (n > 0) parts.push(`${k} ${n}`);
    }
    return parts.join(", ") || "—";
  };
  return formatTable(
    [
      { title: "dataset", align: "left" },
      { title: "records" },
      { title: "not stored" },
      { title: "person refs" },
      { title: "organisation refs" },
      { title: "place refs" },
      { title: "not scored", align: "left" },
    ],
    datasets.map((d) => [
      `${d.connector}/${d.dataset}`,
      String(d.records),
      d.recordsMissing === 0 ? "0" : `${d.recordsMissing} (${d.recordsQuarantined} quarantined)`,
      refs(d.refs.person),
      refs(d.refs.organisation),
      refs(d.refs.place),
      notScored(d),
    ]),
  );
}

const { scale, seed, waves, keepTruth, pgStatements } = parseOptions();
const order = waves ? `, connectors in waves ${waves.map((w) => w.join(" + ")).join(" → ")}` : "";
// The hub syncs in the process `npm start` starts: the benchmark runs under its V8 flags.
const rerun = await rerunWithStartFlags();
if (rerun !== null) process.exit(rerun);

await runBench(
  {
    name: "resolve",
    budgetMs: SCALE_BUDGET_MIN[scale] * 60_000,
    stopping: "the sync engine, the sandbox and PostgreSQL",
  },
  async (bench) => {
    const { machine, log } = bench;
    const truthFile = path.join(os.tmpdir(), `citygraph-resolve-truth-${scale}-${seed}-${process.pid}.jsonl`);
    bench.onCleanup(async () => {
      if (!keepTruth) fs.rmSync(truthFile, { force: true });
      return true;
    });
    const pgMemory = samplePostgresWhenItStarts();
    const self = new RssSampler(process.pid).start();
    bench.onCleanup(async () => {
      pgMemory.stop();
      self.stop();
      return true;
    });
    log(`scale ${scale}, seed ${seed}${order}\n`);

    log(`ingesting every department system (${waves ? "in waves" : "grid first"}):`);
    self.beginWindow();
    const ingestStarted = performance.now();
    const graph = await bench.started(
      ingestSandboxGraph({
        scale,
        seed,
        ...(waves ? { waves } : {}),
        ...(pgStatements ? { statementStats: true, nestedStatements: true } : {}),
        log,
        signal: bench.signal,
      }),
      (g) => g.stop(),
    );
    const setupMs = performance.now() - ingestStarted;
    const ingestMs = graph.timings.ingestMs ?? setupMs;
    const ingestPeakKiB = self.endWindow();
    const records = graph.connectors.reduce((n, c) => n + c.stored, 0);
    // before the pass: the ingest's statements only (set-up's are a few seconds of them)
    const statements = pgStatements ? await statementsByTime(graph.databaseUrl, 40) : null;

    let resolveMs: number | null = null;
    let passCpu: CpuSnapshot | null = null;
    let incremental: IncrementalFigure[] = [];
    const resolvePending = await loadResolvePending();
    if (resolvePending) {
      log("post-ingest resolution: integration/resolution resolvePending(db) …");
      const cpuPids = { postgres: graph.pg.pid, sandbox: null };
      const cpuStarted = cpuSnapshot(cpuPids);
      const started = performance.now();
      const outcome = await resolvePending(graph.db);
      resolveMs = performance.now() - started;
      passCpu = cpuBetween(cpuStarted, cpuSnapshot(cpuPids));
      log(`  ${fixed(resolveMs / 1000, 1)} s: ${JSON.stringify(outcome)}`);
      log("incremental resolution passes after it:");
      incremental = await incrementalPasses(graph.db, resolvePending, log);
    } else log("no post-ingest resolution pass (integration/resolution/index.ts has no resolvePending)");
    const pgIngestPeakKiB = pgMemory.sampler()?.peakTotalKiB ?? null;

    // The ground truth, in a child process, once the timed part is over: written beside the
    // ingest it took a core from the grid's sync (68 s of CPU at a million persons).
    process.stdout.write("writing the ground truth … ");
    const truthStarted = performance.now();
    const truth = await writeTruthInChild(seed, scale, truthFile).then((r) => ({
      ...r,
      ms: performance.now() - truthStarted,
    }));
    log(`${truth.records} records (written in ${fixed(truth.ms / 1000, 1)} s)`);

    // ---- evaluation ----
    self.beginWindow();
    const evalStarted = performance.now();
    const client = new pg.Client({ connectionString: graph.databaseUrl });
    bench.onCleanup(() =>
      client.end().then(
        () => true,
        () => true,
      ),
    );
    await client.connect();
    log("following every truth reference into the graph …");
    const linked = await linkTruthToGraph(client, truthFile, (n) => {
      if (n % 500_000 === 0) log(`  … ${n} records`);
    });
    const index: TruthIndex = linked.index;
    const scores = {} as Record<EntityKind, PairwiseScores>;
    const unlinked = {} as Record<EntityKind, number>;
    const diagnostics = {} as Record<EntityKind, Diagnostics>;
    for (const kind of ENTITY_KINDS) {
      const c = index.refs[kind];
      const predicted = withSingletons(c.predicted);
      scores[kind] = pairwise(c.truth.view(), predicted);
      unlinked[kind] = c.status.reduce((n, s) => n + (s === 0 ? 0 : 1), 0);
      diagnostics[kind] = diagnose(c, index.datasets, predicted, kind === "organisation" ? 0 : 5);
    }
    const ceiling = personCeiling(index.refs.person, withSingletons(index.refs.person.predicted));
    const verdicts = await passVerdicts(client, diagnostics.person.strays);
    const evalMs = performance.now() - evalStarted;
    const evalPeakKiB = self.endWindow();

    // Examples: re-read their ground-truth lines; the entity ids of linked references.
    const person = index.refs.person;
    const exampleItems = [...diagnostics.person.splitExamples, ...diagnostics.person.mergeExamples].flatMap(
      (g) => g.items,
    );
    const place = index.refs.place;
    const placeItems = [...diagnostics.place.splitExamples, ...diagnostics.place.mergeExamples].flatMap(
      (g) => g.items,
    );
    const lines = await truthLines(
      truthFile,
      new Set([
        ...exampleItems.map((i) => person.record.get(i)),
        ...placeItems.map((i) => place.record.get(i)),
      ]),
    );
    const entityIds = await entityIdsOf(client, "person", exampleItems);
    const placeIds = await entityIdsOf(client, "place", placeItems);
    /** A place reference as the example lines show it: where, the text it gave, the true address, the linked one. */
    const describePlace = (item: number) => {
      const t = lines.get(place.record.get(item));
      const label = place.labels.names[place.label.get(item)]!;
      const key = `A${String(place.truth.get(item)).padStart(8, "0")}`;
      const j = t?.addresses.findIndex(
        (a) => a.address === key && `${t.dataset}:${a.field.replace(/\[\d+\]/g, "[]")}` === label,
      );
      const status = place.status[item]!;
      return {
        silo: t?.silo ?? "?",
        sourceKey: t?.sourceKey ?? "?",
        label,
        trueAddress: key,
        text: j === undefined || j < 0 ? null : (t?.addressTexts[j] ?? null),
        entity: status === 0 ? (placeIds.get(item) ?? "?") : null,
        unlinked: status === 0 ? null : STATUS_NAMES[status]!,
      };
    };
    const describePlaces = (g: ExampleGroup) => ({
      cluster: g.cluster,
      pairs: g.pairs,
      more: g.more,
      refs: g.items.map(describePlace),
    });
    const placeSplitExamples = diagnostics.place.splitExamples.map(describePlaces);
    const placeMergeExamples = diagnostics.place.mergeExamples.map(describePlaces);
    const describeRef = (item: number) => {
      const t = lines.get(person.record.get(item));
      const label = person.labels.names[person.label.get(item)]!;
      const role = label.slice(label.indexOf(":") + 1);
      const key = `P${String(person.truth.get(item)).padStart(7, "0")}`;
      const ref = t?.persons.find((p) => p.person === key && p.role === role);
      const paths = Object.values(ref?.fields ?? {});
      const dirt = (t?.dirt ?? [])
        .filter((d) => d.field === "" || paths.includes(d.field))
        .map((d) => `${d.field || "record"} ${d.kind}${d.note ? ` (was ${d.note})` : ""}`);
      const status = person.status[item]!;
      return {
        silo: t?.silo ?? "?",
        dataset: t?.dataset ?? "?",
        sourceKey: t?.sourceKey ?? "?",
        role,
        truePerson: key,
        fields: Object.keys(ref?.fields ?? {}),
        dirt,
        entity: status === 0 ? (entityIds.get(item) ?? "?") : null,
        unlinked: status === 0 ? null : STATUS_NAMES[status]!,
      };
    };
    const describeGroup = (g: ExampleGroup) => ({
      cluster: g.cluster,
      pairs: g.pairs,
      more: g.more,
      refs: g.items.map(describeRef),
    });
    const splitExamples = diagnostics.person.splitExamples.map(describeGroup);
    const mergeExamples = diagnostics.person.mergeExamples.map(describeGroup);

    // ---- report ----
    const maxRssKiB = process.resourceUsage().maxRSS;
    const pgPeak = pgMemory.sampler();
    log("");
    log(
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`,
    );
    log(`scale ${scale} (${graph.expected.persons} persons), seed ${seed}${order}`);
    log("");
    log("pairwise scores (an unlinked reference counts as an entity of its own):");
    log(scoresTable(scores, unlinked));
    log("");
    log(
      `persons' ceiling, the best a resolver reaches without guessing: precision ${fixed(ceiling.scores.precision, 4)}, recall ${fixed(ceiling.scores.recall, 4)}, F1 ${fixed(ceiling.scores.f1, 4)}`,
    );
    log(
      `  (${ceiling.undecided} references the data leaves undecided (a name or a phone that several residents answer to), kept apart in ${ceiling.groups} groups: ${topList(ceiling.byLabel)}; the hub put ${ceiling.linkedRight} of them with their person and ${ceiling.linkedWrong} with another)`,
    );
    log("");
    log("per dataset (refs scored; unlinked: no canonical row found for them):");
    log(datasetTable(index.datasets));
    const unlinkedLines = index.datasets.flatMap((d) =>
      ENTITY_KINDS.flatMap((k) =>
        sumCounts(d.refs[k].unlinked) > 0
          ? [`  ${d.connector}/${d.dataset} ${k}: ${topList(d.refs[k].unlinked)}`]
          : [],
      ),
    );
    if (unlinkedLines.length > 0) {
      log("unlinked references, why:");
      for (const l of unlinkedLines) log(l);
    }
    const notScored = ENTITY_KINDS.map((k) => {
      const total = (f: (r: RefCounts) => number) => index.datasets.reduce((n, d) => n + f(d.refs[k]), 0);
      const excluded: Record<string, number> = {};
      for (const d of index.datasets)
        for (const [c, n] of Object.entries(d.refs[k].excluded)) excluded[c] = (excluded[c] ?? 0) + n;
      return `${k}: ${total((r) => r.unnamed)} name nobody, ${total((r) => r.sameDraft)} same draft as another ref, ${total((r) => r.unmapped)} unmapped${Object.keys(excluded).length ? `, not place elements: ${topList(excluded)}` : ""}`;
    });
    log(`not scored: ${notScored.join("; ")}`);
    const dangling = ENTITY_KINDS.filter((k) => linked.dangling[k] > 0);
    if (dangling.length > 0)
      log(
        `CAUTION: links to rows that no longer exist: ${dangling.map((k) => `${k} ${linked.dangling[k]}`).join(", ")}`,
      );

    const d = diagnostics.person;
    log("");
    log(
      `persons — false splits: ${d.splits.groups} true persons over 2+ entities, ${d.splits.pairs} missed pairs, ${d.splits.strayRefs} references outside their person's main entity`,
    );
    log(`  stray refs by cause:        ${topList(d.splits.byCause, 12)}`);
    log(`  stray refs by dataset:role: ${topList(d.splits.byLabel, 12)}`);
    log(`  … and by what they gave:    ${topList(d.splits.byProfile, 16)}`);
    log(`  stray refs linked?          ${topList(d.splits.byStatus)}`);
    log(`  … what the pass made of them: ${topList(verdicts.byVerdict)}`);
    log(`  … by what they gave:        ${topList(verdicts.byVerdictAndProfile, 16)}`);
    log(`  missed pairs by silo pair:  ${topList(d.splits.pairsBySiloPair, 15)}`);
    log(
      `persons — false merges: ${d.merges.groups} entities holding 2+ true persons, ${d.merges.pairs} wrong pairs, ${d.merges.strayRefs} references of a minority person; ${d.merges.withFamilyPhone ?? 0} of the entities involve familyPhone dirt`,
    );
    log(`  stray refs by cause:        ${topList(d.merges.byCause, 12)}`);
    log(`  stray refs by dataset:role: ${topList(d.merges.byLabel, 12)}`);
    log(`  … and by what they gave:    ${topList(d.merges.byProfile, 8)}`);
    log(`  wrong pairs by silo pair:   ${topList(d.merges.pairsBySiloPair, 15)}`);
    for (const kind of ["organisation", "place"] as const) {
      const x = diagnostics[kind];
      log(
        `${kind}s — splits: ${x.splits.groups} (${x.splits.pairs} missed pairs; stray refs ${topList(x.splits.byLabel, 6)}); merges: ${x.merges.groups} (${x.merges.pairs} wrong pairs; ${topList(x.merges.byLabel, 6)})`,
      );
    }
    const printExamples = (title: string, groups: ReturnType<typeof describeGroup>[], what: string) => {
      if (groups.length === 0) return;
      log("");
      log(title);
      for (const g of groups) {
        log(`  ${what} ${g.cluster}: ${g.pairs} ${what === "true person" ? "missed" : "wrong"} pairs`);
        for (const r of g.refs)
          log(
            `    ${r.silo}/${r.dataset} ${r.sourceKey} ${r.role} ${r.truePerson} [${r.fields.join(",")}]${r.dirt.length ? ` dirt: ${r.dirt.join("; ")}` : ""} → ${r.entity ?? `unlinked (${r.unlinked})`}`,
          );
        if (g.more > 0) log(`    … ${g.more} more references`);
      }
    };
    printExamples(
      "examples of false splits (one true person, several entities):",
      splitExamples,
      "true person",
    );
    printExamples("examples of false merges (one entity, several true persons):", mergeExamples, "cluster");
    const pd = diagnostics.place;
    log("");
    log(`places — wrong pairs by silo pair: ${topList(pd.merges.pairsBySiloPair, 8)}`);
    log(
      `  wrongly merged refs by cause: ${topList(pd.merges.byCause)}; by what they gave: ${topList(pd.merges.byProfile, 6)}`,
    );
    log(`  missed pairs by silo pair:    ${topList(pd.splits.pairsBySiloPair, 8)}`);
    log(
      `  stray refs by what they gave: ${topList(pd.splits.byProfile, 8)}; linked? ${topList(pd.splits.byStatus)}`,
    );
    for (const [title, groups, what] of [
      ["examples of places split (one true address, several entities):", placeSplitExamples, "true address"],
      ["examples of places merged (one entity, several true addresses):", placeMergeExamples, "cluster"],
    ] as const) {
      if (groups.length === 0) continue;
      log(title);
      for (const g of groups) {
        log(`  ${what} ${g.cluster}: ${g.pairs} ${what === "cluster" ? "wrong" : "missed"} pairs`);
        for (const r of g.refs)
          log(
            `    ${r.silo}/${r.label} ${r.sourceKey} ${r.trueAddress} "${r.text ?? "(by code)"}" → ${r.entity ?? `unlinked (${r.unlinked})`}`,
          );
        if (g.more > 0) log(`    … ${g.more} more references`);
      }
    }

    const wallIngest = ingestMs + (resolveMs ?? 0);
    const memory = {
      benchMaxRssMiB: mib(maxRssKiB),
      benchIngestPeakRssMiB: mib(ingestPeakKiB),
      benchEvaluationPeakRssMiB: mib(evalPeakKiB),
      postgresIngestPeakMiB: mib(pgIngestPeakKiB),
      postgresPeakMiB: pgPeak ? mib(pgPeak.peakTotalKiB) : null,
    };
    log("");
    const areas = graph.expected.perDataset.grid?.areas ?? 0;
    log(
      `records:           ${records} ingested (${truth.records} in the ground truth + ${areas} grid areas, which it does not list)`,
    );
    log(
      `wall time:         ingest + resolve ${fixed(ingestMs / 1000, 1)} s (${fixed(records / (ingestMs / 1000), 0)} records/s)${resolveMs === null ? "" : `, post-ingest resolvePending ${fixed(resolveMs / 1000, 1)} s`}; together ${fixed(wallIngest / 60_000, 2)} min, ${fixed(records / (wallIngest / 1000), 0)} records/s`,
    );
    const cpu = cpuFigures(graph.ingestCpu, passCpu, records, ingestMs);
    log(`CPU:               ${cpu.text}`);
    log(
      `evaluation:        ${fixed(evalMs / 1000, 1)} s (load ${fixed(linked.timings.loadMs / 1000, 1)} s, join ${fixed(linked.timings.joinMs / 1000, 1)} s, read ${fixed(linked.timings.readMs / 1000, 1)} s)`,
    );
    log(
      `peak RSS:          bench process ${memory.benchMaxRssMiB} MiB (maxRSS; sampled: ingest ${memory.benchIngestPeakRssMiB}, evaluation ${memory.benchEvaluationPeakRssMiB}), PostgreSQL ${memory.postgresPeakMiB ?? "n/a"} MiB, private + shared buffers in use (during ingest ${memory.postgresIngestPeakMiB ?? "n/a"})`,
    );
    log(
      `set-up:            ${Object.entries(graph.timings)
        .map(([k, v]) => `${k.replace(/Ms$/, "")} ${fixed(v / 1000, 1)} s`)
        .join(", ")}; ground truth ${fixed(truth.ms / 1000, 1)} s (child process, after the timed part)`,
    );
    log(
      `database rows:     ${Object.entries(graph.rowCounts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    for (const f of incremental)
      log(
        `incremental pass:  ${f.change} (${f.touched}): ${fixed(f.ms / 1000, 2)} s, ${f.mentions ?? "?"} mentions looked at`,
      );
    if (keepTruth) log(`ground truth kept: ${truthFile}`);
    if (statements) {
      log(
        `\nPostgreSQL's statements over the ingest, ${fixed(statements.topLevelMs / 1000, 1)} s in all, by time (pg_stat_statements; counting them slowed`,
      );
      log(
        "this run; a nested statement, run by a trigger or a foreign key's check, is inside its caller's time;",
      );
      log("PostgreSQL 18 counts the checks of every foreign key to a uuid `id` as one statement):");
      log("      s  share      calls       rows  µs/row  WAL MiB  full pages  statement");
      for (const st of statements.statements)
        log(
          `${fixed(st.totalMs / 1000, 1).padStart(7)} ${`${fixed((100 * st.totalMs) / statements.topLevelMs, 1)} %`.padStart(6)} ${String(st.calls).padStart(10)} ${String(st.rows).padStart(10)} ${(st.rows ? fixed((1000 * st.totalMs) / st.rows, 1) : "").padStart(7)} ${fixed(st.walBytes / 2 ** 20, 0).padStart(8)} ${String(st.walFullPages).padStart(11)}  ${st.nested ? "(nested) " : ""}${st.query.slice(0, 90)}`,
        );
    }

    const file = bench.report(`bench-resolve-${scale}.json`, {
      settings: { scale, seed, waves: waves ?? null, persons: graph.expected.persons },
      scores,
      personCeiling: ceiling,
      unlinked,
      datasets: index.datasets,
      dangling: linked.dangling,
      diagnostics: Object.fromEntries(
        ENTITY_KINDS.map((k) => [k, { splits: diagnostics[k].splits, merges: diagnostics[k].merges }]),
      ),
      personStraysByPass: verdicts,
      examples: {
        splits: splitExamples,
        merges: mergeExamples,
        placeSplits: placeSplitExamples,
        placeMerges: placeMergeExamples,
      },
      dirtTable: DIRT_TABLE.map((r) => ({ kind: r.kind, rates: r.rates })),
      records,
      groundTruthRecords: truth.records,
      timingsMs: {
        ...graph.timings,
        ingestAndResolve: Math.round(ingestMs),
        resolvePending: resolveMs === null ? null : Math.round(resolveMs),
        incremental,
        groundTruth: Math.round(truth.ms),
        evaluation: Math.round(evalMs),
        evaluationPhases: linked.timings,
      },
      cpuSeconds: cpu.figures,
      pgStatements: statements,
      recordsPerSecond: Math.round(records / (wallIngest / 1000)),
      connectors: graph.connectors.map((c) => ({
        connector: c.connector,
        stored: c.stored,
        expected: c.expected,
        quarantined: c.report.quarantined,
        wallMs: c.wallMs,
      })),
      memory,
      rowCounts: graph.rowCounts,
    });
    log(`\nfigures written to ${file}`);
    return 0;
  },
);

/**
 * Where the cores went: core-seconds of the hub (this process), PostgreSQL and the sandbox over
 * the sync, and of the hub and PostgreSQL over the pass; the hub's and PostgreSQL's per record.
 * On a shared VM whose speed varies by the hour, work done is comparable where wall time is not.
 */
function cpuFigures(sync: CpuSnapshot, pass: CpuSnapshot | null, records: number, ingestMs: number) {
  const s = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${fixed(v, 1)} s`);
  const perRecord = (v: number | null) => (v === null ? null : Math.round((v / records) * 1e6));
  const syncUs = {
    hub: perRecord(sync.hub),
    postgres: perRecord(sync.postgres),
  };
  const text = [
    `sync: hub ${s(sync.hub)}, PostgreSQL ${s(sync.postgres)}, sandbox ${s(sync.sandbox)}, machine busy ${s(sync.machineBusy)} of ${fixed((os.availableParallelism() * ingestMs) / 1000, 0)} core-s`,
    `per record: hub ${syncUs.hub ?? "n/a"} µs, PostgreSQL ${syncUs.postgres ?? "n/a"} µs`,
    pass ? `pass: hub ${s(pass.hub)}, PostgreSQL ${s(pass.postgres)}` : "no pass",
  ].join("; ");
  return { text, figures: { sync, syncMicrosecondsPerRecord: syncUs, pass } };
}
