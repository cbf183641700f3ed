// A declarative definition as a Connector: sync() pages through the source (source.ts), map()
// evaluates the definition's JSONata mapping on the raw record and checks what it produced
// against the contract's draft shapes (drafts.ts), health() asks for a one-record first page.
//
// map() is synchronous, as the contract has it, although jsonata 2 evaluates only
// asynchronously: the evaluation runs on an evaluator thread that map() blocks on (evaluator.ts).
// So map() is a pure function of the record it is given — a record from sync(), a webhook, a
// quarantined record replayed a week later — with no cache between sync() and map() to miss, and
// the payload the engine stores stays the raw source record (provenance).
import { createHash } from "node:crypto";
import type {
  Connector,
  ConnectorContext,
  MappingOutcome,
  MappingProblem,
  SourceRecordInput,
} from "../contract.js";
import { isJsonObject, MALFORMED_ROW, pageLimit } from "../http.js";
import {
  type DeclarativeDefinition,
  DeclarativeDefinitionError,
  type DeclarativeDefinitionInput,
  parseDefinition,
} from "./definition.js";
import { checkDrafts, type DraftCheck } from "./drafts.js";
import { type EvaluationFailure, evaluateSync } from "./evaluator.js";
import { show } from "./issues.js";
import { decodeCursor, encodeCursor, fetchPage, sourceKeyOf } from "./source.js";

/** The key of a record without its key field: "(no 登记编号) 3f2a…", stable for the same content. */
export function keylessKey(keyField: string, record: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(record)).digest("hex").slice(0, 16);
  return `(no ${keyField}) ${digest}`;
}

/** "JSONata D3030 at position 8 (token "number"): Unable to cast …" */
export function describeEvaluationFailure(error: EvaluationFailure): string {
  const where = error.position === null ? "" : ` at position ${error.position}`;
  const token = error.token === null ? "" : ` (token ${JSON.stringify(error.token)})`;
  return `JSONata ${error.code}${where}${token}: ${error.message}`;
}

/** The mapping run on one record: the drafts when their shape is right, and every problem. */
export interface MappedRecord extends DraftCheck {
  outcome: MappingOutcome;
}

/** Map one record with a (validated) definition. Never throws. */
export function mapRecord(definition: DeclarativeDefinition, record: SourceRecordInput): MappedRecord {
  const label = `record ${record.sourceKey}`;
  const fail = (problems: MappingProblem[], drafts: DraftCheck["drafts"] = null): MappedRecord => ({
    drafts,
    problems,
    outcome: { ok: false, problems },
  });
  if (!isJsonObject(record.payload))
    return fail([
      {
        code: "MALFORMED_RECORD",
        field: "payload",
        message: `${label}: the payload should be the source record (an object), got ${show(record.payload)}`,
      },
    ]);
  const malformed = record.payload[MALFORMED_ROW];
  if (typeof malformed === "string")
    return fail([{ code: "MALFORMED_RECORD", field: MALFORMED_ROW, message: `${label}: ${malformed}` }]);
  const { keyField } = definition.source;
  if (sourceKeyOf(record.payload, keyField) === null)
    return fail([
      {
        code: "MISSING_FIELD",
        field: keyField,
        message: `${label}: no ${keyField} (the record's key: non-blank text or an integer), got ${show(record.payload[keyField])}`,
      },
    ]);
  const evaluation = evaluateSync(definition.mapping.expression, record.payload, {
    sourceKey: record.sourceKey,
  });
  if (!evaluation.ok)
    return fail([
      {
        code: "INVALID_VALUE",
        field: "mapping.expression",
        message: `${label}: ${describeEvaluationFailure(evaluation.error)}`,
      },
    ]);
  const checked = checkDrafts(evaluation.value, { produces: definition.manifest.produces });
  const problems = checked.problems.map((p) => ({ ...p, message: `${label}: ${p.message}` }));
  if (problems.length > 0 || checked.drafts === null) return fail(problems, checked.drafts);
  return { drafts: checked.drafts, problems: [], outcome: { ok: true, drafts: checked.drafts } };
}

/**
 * A Connector from a definition (validated here again: an invalid one throws a
 * DeclarativeDefinitionError listing every error).
 */
export function createDeclarativeConnector(
  input: DeclarativeDefinition | DeclarativeDefinitionInput,
): Connector {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new DeclarativeDefinitionError(parsed.errors);
  const definition = parsed.definition;
  const { keyField } = definition.source;

  return {
    manifest: definition.manifest,

    async sync(cursor, pageSize, ctx) {
      if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new Error(`pageSize must be a positive integer: ${pageSize}`);
      const limit = pageLimit(pageSize);
      const page = await fetchPage(definition, decodeCursor(definition, cursor, limit), limit, ctx);
      // A record without its key is not the page's problem: it goes on under a key made from its
      // content (the same row read again is the same record) and map() quarantines it, naming
      // the key field, while the rest of the page is stored.
      const records = page.records.map((record) => ({
        sourceKey: sourceKeyOf(record, keyField) ?? keylessKey(keyField, record),
        payload: record,
      }));
      return { records, nextCursor: encodeCursor(page.next), done: page.done };
    },

    map(record) {
      return mapRecord(definition, record).outcome;
    },

    async health(ctx: ConnectorContext) {
      try {
        await fetchPage(definition, decodeCursor(definition, null, 1), 1, ctx);
        return { up: true };
      } catch (err) {
        return { up: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
