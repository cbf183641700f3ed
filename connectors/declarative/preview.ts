// Dry run of a definition before it is registered: fetch the first N records from the real source,
// map each, and return the drafts next to every problem — per record (what map() would
// quarantine it for) and for the definition as a whole (an element kind or a field the manifest
// does not declare, a record without its key, a source that cannot be read as declared). Nothing
// is stored; the same code paths as the running connector (source.ts, mapRecord).
import {
  type ConnectorContext,
  type ElementDraft,
  type JsonValue,
  type MappingProblem,
  UpstreamFormatError,
  UpstreamUnavailableError,
} from "../contract.js";
import type { JsonObject } from "../http.js";
import { mapRecord } from "./connector.js";
import { type PathError, parseDefinition } from "./definition.js";
import { filledFields } from "./drafts.js";
import { checkSourceHost } from "./hosts.js";
import { DeclarativeFormatError, decodeCursor, fetchPage, sourceKeyOf } from "./source.js";

export interface PreviewRecord {
  /** null when the record has no usable keyField (sync quarantines it, with that reason). */
  sourceKey: string | null;
  payload: JsonValue;
  /** The mapped drafts, or null when the mapping's output cannot be read as drafts at all. */
  drafts: ElementDraft[] | null;
  /** Everything map() reports for this record (empty: it would be ingested). */
  problems: MappingProblem[];
}

export interface PreviewResult {
  records: PreviewRecord[];
  /** Definition-level problems, each with the definition path to change. */
  errors: PathError[];
}

export interface PreviewOptions {
  /** How many records to fetch and map (1–1000). */
  limit: number;
  signal?: AbortSignal;
}

export const PREVIEW_MAX_RECORDS = 1_000;

/**
 * Fetch the first `limit` records of the source the definition describes, and map each. This is
 * also registration's check (integration/declarative-registry.ts): a definition is registered only
 * when its preview has no definition-level error, so the two can never disagree.
 */
export async function previewConnector(input: unknown, options: PreviewOptions): Promise<PreviewResult> {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > PREVIEW_MAX_RECORDS)
    throw new RangeError(`limit must be an integer from 1 to ${PREVIEW_MAX_RECORDS}: ${limit}`);
  const parsed = parseDefinition(input);
  if (!parsed.ok) return { records: [], errors: parsed.errors };
  const definition = parsed.definition;
  const { manifest } = definition;
  // a host off the allow-list is refused outright (SourceHostRefused), not reported as a preview error
  checkSourceHost(manifest.id, definition.source.endpoint);
  const { keyField } = definition.source;
  const errors: PathError[] = [];
  const ctx: ConnectorContext = { signal: options.signal ?? new AbortController().signal, log: () => {} };

  // ---- fetch ----
  const fetched: { record: JsonObject; index: number }[] = [];
  try {
    let state = decodeCursor(definition, null, limit);
    // every page but the last brings at least one record, so limit pages always suffice
    for (let pages = 0; fetched.length < limit && pages < limit; pages++) {
      const page = await fetchPage(definition, state, limit, ctx);
      for (const record of page.records) {
        if (fetched.length === limit) break;
        fetched.push({ record, index: fetched.length });
      }
      if (page.done || page.records.length === 0) break;
      state = page.next;
    }
  } catch (err) {
    if (err instanceof DeclarativeFormatError) errors.push({ path: err.path, message: err.message });
    else if (err instanceof UpstreamFormatError) errors.push({ path: "source.format", message: err.message });
    else if (err instanceof UpstreamUnavailableError)
      errors.push({ path: "source.endpoint", message: err.message });
    else throw err;
  }

  // ---- map ----
  const kinds = new Map<string, string>();
  const fields = new Map<string, string>();
  // A record with an empty key is that record's problem (sync quarantines it, map() says why); a
  // key column that no record has is the definition's.
  if (fetched.length > 0 && !fetched.some(({ record }) => Object.hasOwn(record, keyField)))
    errors.push({
      path: "source.keyField",
      message: `the source has no ${JSON.stringify(keyField)} in any of the ${fetched.length} records read (it has ${Object.keys(
        fetched[0]!.record,
      )
        .slice(0, 20)
        .map((k) => JSON.stringify(k))
        .join(", ")})`,
    });
  const records: PreviewRecord[] = fetched.map(({ record, index }) => {
    const sourceKey = sourceKeyOf(record, keyField);
    const mapped = mapRecord(definition, { sourceKey: sourceKey ?? `#${index}`, payload: record });
    const name = sourceKey ?? `#${index}`;
    for (const [i, d] of (mapped.drafts ?? []).entries())
      if (!manifest.produces.includes(d.element) && !kinds.has(d.element))
        kinds.set(d.element, `record ${name} drafts[${i}]`);
    for (const field of filledFields(mapped.drafts ?? []))
      if (!fields.has(field)) fields.set(field, `record ${name}`);
    return { sourceKey, payload: record, drafts: mapped.drafts, problems: mapped.problems };
  });

  // ---- the definition against what the records gave ----
  for (const [kind, where] of kinds)
    errors.push({
      path: "manifest.produces",
      message: `the mapping produces ${kind} (${where}), which manifest.produces (${manifest.produces.join(", ")}) does not list`,
    });
  const declared = new Set(manifest.fields.map((f) => `${f.element}.${f.field}`));
  for (const [field, where] of fields)
    if (!declared.has(field))
      errors.push({
        path: "manifest.fields",
        message: `the mapping fills ${field} (${where}), which manifest.fields does not declare (every field needs its sensitivity class)`,
      });
  return { records, errors };
}
