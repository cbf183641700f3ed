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
//   POST /_sandbox/stream {"everyMs":N} → one new petition (待受理) or one case moving on a step
//        (受理, 办理, 办结; 复查/复核 concluded) every N ms, appended to the feed; 0 stops.
import { XMLBuilder } from "fast-xml-parser";
import { DEMO_CITY } from "../city/areas.js";
import { dayOfSeconds, formatDate } from "../generator/calendar.js";
import type { PetitionCase, Petitioner } from "../generator/index.js";
import { PETITION_LIMITS } from "../generator/tables/codes.js";
import {
  ChangeLog,
  changeSequence,
  changeStream,
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

/** 办理状态 a case moves on to from its current one (信访工作条例: 受理 → 办理 → 办结). */
const NEXT_STATUS: Readonly<Record<string, string>> = {
  待受理: "已受理",
  已受理: "办理中",
  办理中: "已办结",
  复查中: "已办结",
  复核中: "已办结",
};

export function startPetitionService(options: ServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const log = new ChangeLog(datasetFeed(datasetOf<PetitionCase>(city, "cases")), (c) => c.caseNo);
  const cases = log.feed;
  // case numbers the generator hands out are < 2 × petitions: new cases count on from there
  const firstNewNumber = 2 * Math.max(city.counts.petitions, 1);
  const nextChange = changeSequence(city.plan.base, "sandboxPetitionStream");
  let created = 0;

  /** The k-th change: a case moving on a step (half of the time, when one can) or a new petition. */
  const change = (): void => {
    const { rng, at } = nextChange();
    const day = dayOfSeconds(at);
    const today = formatDate(day, "iso");
    const current = rng.chance(0.5) ? log.pickMovable(rng, (c) => NEXT_STATUS[c.status] !== undefined) : null;
    if (current) {
      const status = NEXT_STATUS[current.status]!;
      const accepted =
        status === "已受理"
          ? { acceptedDate: today, deadline: formatDate(day + PETITION_LIMITS.concludeWithinDays, "iso") }
          : {};
      log.append({ ...current, ...accepted, status });
      return;
    }
    const template = log.sample(rng);
    const number = String(firstNewNumber + created++).padStart(7, "0");
    log.append({
      ...template,
      caseNo: `XF${DEMO_CITY.code}${today.slice(0, 4)}${number}`,
      registeredDate: today,
      acceptedDate: null,
      deadline: null,
      extendedDeadline: null,
      status: "待受理",
      isRepeat: false,
      previousCaseNo: null,
    });
  };
  const stream = changeStream(change, () => ({ cases: cases.total() }));

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
      stream,
    },
    options,
  );
}
