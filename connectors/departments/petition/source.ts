// Client half of the petition (信访) connector: reads the XML feed
//   GET /feed.xml?cursor=&limit=
//   → <petitionFeed nextCursor="…" hasMore="true|false"><case>…</case>…</petitionFeed>
// One dataset, cases (key caseNo): source key "cases:<caseNo>"; payload {"dataset":"cases",
// "record":<case>} with the case as a plain object: child elements as fields (strings; personCount
// a number, isCollective / isRepeat booleans, nil="true" elements null) and the repeated
// <petitioner> elements as `petitioners`, always an array.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { JsonValue } from "../../contract.js";
import {
  formatError,
  isJsonObject,
  type JsonObject,
  pageLimit,
  type UpstreamReply,
  upstreamRequest,
  utf8Text,
} from "../../http.js";
import {
  checkHealth,
  compositeSync,
  type DatasetReader,
  type HttpSource,
  type HttpSourceOptions,
  toSourceRecords,
} from "../http.js";

export const PETITION_DATASET = { name: "cases", path: "/feed.xml", keyField: "caseNo" } as const;

const NUMBER_FIELDS = new Set(["personCount"]);
const BOOLEAN_FIELDS = new Set(["isCollective", "isRepeat"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  isArray: (_name, jpath) => jpath === "petitionFeed.case" || jpath === "petitionFeed.case.petitioner",
});

export type PetitionSource = HttpSource;

/** Decode a petition feed: its cases as plain objects, the next cursor and whether there is more. */
export function decodePetitionFeed(
  options: HttpSourceOptions,
  reply: UpstreamReply,
): { cases: JsonObject[]; nextCursor: string; hasMore: boolean } {
  const xml = utf8Text(options, reply);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw formatError(options, reply, `malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw formatError(options, reply, `malformed XML: ${(err as Error).message}`);
  }
  const feed = isJsonObject(doc) ? doc.petitionFeed : undefined;
  if (!isJsonObject(feed)) throw formatError(options, reply, "no <petitionFeed> root element");
  const nextCursor = feed["@_nextCursor"];
  const hasMore = feed["@_hasMore"];
  if (typeof nextCursor !== "string" || nextCursor === "")
    throw formatError(options, reply, "no nextCursor attribute");
  if (hasMore !== "true" && hasMore !== "false")
    throw formatError(options, reply, `hasMore is "${String(hasMore)}"`);
  const rawCases = feed.case ?? [];
  if (!Array.isArray(rawCases)) throw formatError(options, reply, "<case> elements expected");

  const scalar = (field: string, v: JsonValue | undefined, where: string): JsonValue => {
    if (isJsonObject(v) && v["@_nil"] === "true" && Object.keys(v).length === 1) return null;
    if (typeof v !== "string")
      throw formatError(options, reply, `${where}: <${field}> is not a simple element`);
    if (NUMBER_FIELDS.has(field)) {
      if (!/^-?\d+(\.\d+)?$/.test(v))
        throw formatError(options, reply, `${where}: <${field}> "${v}" is not a number`);
      return Number(v);
    }
    if (BOOLEAN_FIELDS.has(field)) {
      if (v !== "true" && v !== "false")
        throw formatError(options, reply, `${where}: <${field}> "${v}" is not true/false`);
      return v === "true";
    }
    return v;
  };
  /** An element's children as fields, in document order; `nested` takes the ones it handles. */
  const fields = (
    node: JsonValue,
    where: string,
    nested: (key: string, value: JsonValue, out: JsonObject) => boolean,
  ): JsonObject => {
    if (!isJsonObject(node)) throw formatError(options, reply, `${where} is not an element with children`);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith("@_")) continue;
      if (k === "#text") {
        if (typeof v === "string" && v.trim() === "") continue;
        throw formatError(options, reply, `${where} has stray text`);
      }
      if (!nested(k, v, out)) out[k] = scalar(k, v, where);
    }
    return out;
  };

  const cases = rawCases.map((c, i) => {
    const where = `case ${i}`;
    const out = fields(c, where, (k, v, into) => {
      if (k !== "petitioner") return false;
      if (!Array.isArray(v)) throw formatError(options, reply, `${where}: <petitioner> elements expected`);
      into.petitioners = v.map((p, j) => fields(p, `${where} petitioner ${j}`, () => false));
      return true;
    });
    out.petitioners ??= [];
    return out;
  });
  return { cases, nextCursor, hasMore: hasMore === "true" };
}

export function createPetitionSource(options: HttpSourceOptions): PetitionSource {
  const reader: DatasetReader = {
    name: PETITION_DATASET.name,
    read: async (cursor, limit, ctx) => {
      const reply = await upstreamRequest(options, ctx, PETITION_DATASET.path, {
        query: { cursor, limit: pageLimit(limit) },
        accept: "application/xml",
      });
      const feed = decodePetitionFeed(options, reply);
      return {
        records: toSourceRecords(
          options,
          reply,
          PETITION_DATASET.name,
          PETITION_DATASET.keyField,
          feed.cases,
        ),
        nextCursor: feed.nextCursor,
        hasMore: feed.hasMore,
      };
    },
  };
  return {
    sync: compositeSync([reader]),
    health: (ctx) => checkHealth(options, ctx),
  };
}
