// Sandbox 12345 hotline system: work orders as a snake_case JSON API, plus webhooks.
//   GET  /orders?cursor=&limit= → {"orders":[…],"next_cursor":"…","has_more":bool}
//   POST /_sandbox/push {"count":N,"duplicate":bool,"url"?} → delivers N new or changed orders to
//        the webhook URL as POST {"delivery_id","event":"order.created"|"order.updated","order"}
//        (duplicate=true: every delivery is sent twice with the same delivery_id, at-least-once).
//   POST /_sandbox/stream {"everyMs":N} → from now on one new or changed order every N ms (the
//        same sequence as pushes), delivered to the webhook URL when there is one; {"everyMs":0}
//        stops. The `stream` option starts it with the service (a demo centre that is alive).
// Pushed orders (new ones, and new versions of existing ones with the same order_no and a later
// status) are appended after the generated orders, so incremental sync sees them too. Which order
// the k-th push is depends only on (seed, size, k).
import { createHmac } from "node:crypto";
import { addWorkingDays, dayOfSeconds, formatDate, formatTime } from "../generator/calendar.js";
import type { HotlineWorkOrder } from "../generator/index.js";
import { hashSeed } from "../generator/rng.js";
import { HOTLINE_SLA_WORKING_DAYS, SATISFACTION } from "../generator/tables/codes.js";
import {
  ChangeLog,
  changeSequence,
  changeStream,
  cityOf,
  datasetFeed,
  datasetOf,
  encodeCursor,
  jsonReply,
  ParamError,
  pageOf,
  pageSizeOf,
  parseCursorParam,
  type RunningService,
  type ServiceOptions,
  startService,
  truncatedJson,
} from "./common.js";

export interface HotlineServiceOptions extends ServiceOptions {
  /** Where pushed orders are delivered (POST JSON). */
  webhookUrl?: string;
  /**
   * The hotline connector's webhook secret: every delivery is signed with it as the hub expects
   * (gateway/webhooks.ts: X-CityGraph-Timestamp, X-CityGraph-Signature = sha256=HMAC of
   * "<timestamp>.<body>").
   */
  webhookToken?: string;
}

export type HotlineEvent = "order.created" | "order.updated";

export interface HotlineDelivery {
  delivery_id: string;
  event: HotlineEvent;
  order: HotlineWorkOrder;
}

/** The next status of an order that is still moving, by its current one. */
const NEXT_STATUS: Readonly<Record<string, string>> = {
  待受理: "已派单",
  已派单: "办理中",
  办理中: "已办结",
  超期未办结: "已办结",
  已办结: "已回访",
};

const WEBHOOK_ATTEMPTS = 3;
const WEBHOOK_TIMEOUT_MS = 5_000;

interface DeliveryOutcome {
  delivery_id: string;
  event: HotlineEvent;
  order_no: string;
  status: string;
  /** HTTP status (or error) of every attempt of every send. */
  attempts: (number | string)[];
  delivered: boolean;
}

/** The signature headers of a delivery (as a department system computes them, with its secret). */
function signed(secret: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return { "x-citygraph-timestamp": String(timestamp), "x-citygraph-signature": `sha256=${mac}` };
}

async function deliver(
  url: string,
  token: string | undefined,
  delivery: HotlineDelivery,
  attempts: (number | string)[],
): Promise<boolean> {
  const body = JSON.stringify(delivery);
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-delivery-id": delivery.delivery_id,
          ...(token ? signed(token, body) : {}),
        },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      attempts.push(res.status);
      if (res.ok) return true;
    } catch (err) {
      attempts.push(err instanceof Error ? err.message : String(err));
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
  return false;
}

export function startHotlineService(options: HotlineServiceOptions): Promise<RunningService> {
  const city = cityOf(options);
  const log = new ChangeLog(datasetFeed(datasetOf<HotlineWorkOrder>(city, "workOrders")), (o) => o.order_no);
  const feed = log.feed;
  // order numbers the generator hands out are < 2 × units: new orders count on from there
  const firstNewNumber = 2 * (city.counts.hotlineOrders + city.counts.hotlineTransfers);
  const seedTag = hashSeed(options.seed)[0]!.toString(16).padStart(8, "0");
  const nextChange = changeSequence(city.plan.base, "sandboxHotlinePush");
  let created = 0;

  const nextEvent = (): HotlineDelivery => {
    const { k, rng, at } = nextChange();
    const now = formatTime(at, "sql");
    let event: HotlineEvent = "order.updated";
    let order: HotlineWorkOrder | null = null;
    const current = rng.chance(0.5) ? log.pickMovable(rng, (o) => NEXT_STATUS[o.status] !== undefined) : null;
    if (current) {
      const status = NEXT_STATUS[current.status]!;
      order = { ...current, status };
      if (status === "已办结") order.closed_at = now;
      if (status === "已回访") {
        order.closed_at ??= now;
        order.satisfaction = rng.pick(SATISFACTION.map(([s]) => s));
      }
    } else {
      event = "order.created";
      const template = log.sample(rng);
      const day = dayOfSeconds(at);
      const sla =
        template.urgency === "紧急"
          ? HOTLINE_SLA_WORKING_DAYS.紧急
          : HOTLINE_SLA_WORKING_DAYS[template.category];
      const number = firstNewNumber + created++;
      order = {
        ...template,
        order_no: `${formatDate(day, "compact")}${String(number).padStart(8, "0")}`,
        channel: template.channel === "110转办" ? "12345热线" : template.channel,
        created_at: now,
        deadline: `${formatDate(addWorkingDays(day, sla), "iso")} 23:59:59`,
        status: "待受理",
        closed_at: null,
        satisfaction: null,
        source_ref: null,
      };
    }
    log.append(order);
    return { delivery_id: `dlv_${seedTag}_${String(k + 1).padStart(8, "0")}`, event, order };
  };

  // The steady stream: the pushes' sequence, delivered when there is a webhook URL.
  const stream = changeStream(
    () => {
      const d = nextEvent();
      return options.webhookUrl ? deliver(options.webhookUrl, options.webhookToken, d, []) : undefined;
    },
    () => ({ orders: feed.total() }),
  );

  return startService(
    {
      name: "hotline",
      seed: options.seed,
      routes: [
        {
          method: "GET",
          path: "/orders",
          data: true,
          handle: ({ url }) => {
            const page = pageOf(feed, parseCursorParam(url, "orders"), pageSizeOf(url, options));
            return jsonReply(200, {
              orders: page.records,
              next_cursor: encodeCursor("orders", page.nextOffset),
              has_more: page.hasMore,
            });
          },
        },
        {
          method: "POST",
          path: "/_sandbox/push",
          data: false,
          handle: async ({ json }) => {
            const body = (await json()) ?? {};
            if (typeof body !== "object" || body === null || Array.isArray(body))
              throw new ParamError("body", 'expected a JSON object {"count", "duplicate"?}');
            const b = body as Record<string, unknown>;
            const count = b.count ?? 1;
            if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000)
              throw new ParamError("count", "count must be an integer 1..1000");
            const duplicate = b.duplicate ?? false;
            if (typeof duplicate !== "boolean")
              throw new ParamError("duplicate", "duplicate must be a boolean");
            const target = b.url ?? options.webhookUrl;
            if (typeof target !== "string" || !/^https?:\/\//.test(target))
              throw new ParamError("url", "no webhook URL: start the service with webhookUrl or pass url");
            const outcomes: DeliveryOutcome[] = [];
            for (let i = 0; i < count; i++) {
              const d = nextEvent();
              const attempts: (number | string)[] = [];
              let ok = await deliver(target, options.webhookToken, d, attempts);
              if (duplicate) ok = (await deliver(target, options.webhookToken, d, attempts)) && ok;
              outcomes.push({
                delivery_id: d.delivery_id,
                event: d.event,
                order_no: d.order.order_no,
                status: d.order.status,
                attempts,
                delivered: ok,
              });
            }
            return jsonReply(200, {
              delivered: outcomes.filter((o) => o.delivered).length,
              failed: outcomes.filter((o) => !o.delivered).length,
              deliveries: outcomes,
            });
          },
        },
      ],
      corrupt: truncatedJson,
      stream,
    },
    options,
  );
}
