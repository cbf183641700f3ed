// Sandbox petition system (信访): cases as a UTF-8 XML feed.
//   GET /feed.xml?cursor=&limit=
//   → <?xml version="1.0" encoding="UTF-8"?>
//     <petitionFeed nextCursor="…" hasMore="true|false" total="N">
//       <case><caseNo>…</caseNo><form>…</form>
//         <petitioner><name>…</name><idNumber>…</idNumber><phone>…</phone><address>…</address></petitioner>
//         … (one <petitioner> per petitioner, in order) <personCount>3</personCount> …</case>…
//     </petitionFeed>
// Child elements follow the record's fields in order; a null is an empty element with nil="true";
// booleans are true/false.
import { XMLBuilder } from "fast-xml-parser";
import type { PetitionCase, Petitioner } from "../generator/index.js";
import {
  cityOf,
  datasetFeed,
  datasetOf,
  encodeCursor,
  pageOf,
  pageSizeOf,
  parseCursorParam,
  type Reply,
  type RunningService,
  type ServiceOptions,
  startService,
} from "./common.js";

export const XML_CONTENT_TYPE = "application/xml; charset=UTF-8";

type XmlNode = string | { "@_nil": "true" } | XmlObject | XmlObject[];
interface XmlObject {
  [key: string]: XmlNode;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressBooleanAttributes: false,
  suppressEmptyNode: false,
  format: false,
});

function leaf(value: string | number | boolean | null): XmlNode {
  return value === null ? { "@_nil": "true" } : String(value);
}

function petitionerNode(p: Petitioner): XmlObject {
  const node: XmlObject = {};
  for (const [k, v] of Object.entries(p) as [string, string | null][]) node[k] = leaf(v);
  return node;
}

function caseNode(c: PetitionCase): XmlObject {
  const node: XmlObject = {};
  for (const [k, v] of Object.entries(c) as [keyof PetitionCase, PetitionCase[keyof PetitionCase]][]) {
    if (k === "petitioners") node.petitioner = c.petitioners.map(petitionerNode);
    else node[k] = leaf(v as string | number | boolean | null);
  }
  return node;
}

export function petitionFeedXml(
  cases: readonly PetitionCase[],
  nextCursor: string,
  hasMore: boolean,
  total: number,
): string {
  return builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    petitionFeed: {
      "@_nextCursor": nextCursor,
      "@_hasMore": String(hasMore),
      "@_total": String(total),
      case: cases.map(caseNode),
    },
  }) as string;
}

/** Garbage XML: the feed cut off in the middle (unclosed elements). */
function truncatedXml(reply: Reply): Reply {
  const text = typeof reply.body === "string" ? reply.body : reply.body.toString("utf8");
  return { ...reply, body: `${text.slice(0, Math.max(1, Math.floor(text.length / 2)))}<case><caseNo>` };
}

export function startPetitionService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const cases = datasetFeed(datasetOf<PetitionCase>(city, "cases"));
  return startService(
    {
      name: "petition",
      seed: options.seed,
      routes: [
        {
          method: "GET",
          path: "/feed.xml",
          data: true,
          handle: ({ url }): Reply => {
            const page = pageOf(cases, parseCursorParam(url, "feed"), pageSizeOf(url, options));
            return {
              status: 200,
              headers: { "content-type": XML_CONTENT_TYPE },
              body: petitionFeedXml(
                page.records,
                encodeCursor("feed", page.nextOffset),
                page.hasMore,
                page.total,
              ),
            };
          },
        },
      ],
      corrupt: truncatedXml,
      serverError: () => ({
        status: 500,
        headers: { "content-type": XML_CONTENT_TYPE },
        body: '<?xml version="1.0" encoding="UTF-8"?><error><code>500</code><message>系统内部错误</message></error>',
      }),
    },
    options,
  );
}
