// Client half of the 12345 hotline connector: reads the ticket system's API
//   GET /orders?cursor=&limit= → {"orders":[…],"next_cursor":"…","has_more":bool}
// and decodes its webhook deliveries {"delivery_id","event":"order.created"|"order.updated","order"}.
// One dataset, workOrders (key order_no): source key "workOrders:<order_no>" (a changed order keeps
// its key, so the new version replaces the old); payload {"dataset":"workOrders","record":<order>}.
import { type JsonValue, type SourceRecordInput, UpstreamFormatError } from "../../contract.js";
import { isJsonObject } from "../../http.js";
import {
  checkHealth,
  compositeSync,
  type HttpSource,
  type HttpSourceOptions,
  jsonPageReader,
} from "../http.js";

export const HOTLINE_DATASET = { name: "workOrders", path: "/orders", keyField: "order_no" } as const;
export const HOTLINE_EVENTS = ["order.created", "order.updated"] as const;

export interface HotlineSource extends HttpSource {
  /** The records a webhook delivery carries; UpstreamFormatError when it is malformed. */
  parsePush(body: JsonValue): { deliveryId: string; records: SourceRecordInput[] };
}

export function createHotlineSource(options: HttpSourceOptions): HotlineSource {
  const reader = jsonPageReader(options, HOTLINE_DATASET, {
    records: "orders",
    nextCursor: "next_cursor",
    hasMore: "has_more",
  });

  return {
    sync: compositeSync([reader]),
    health: (ctx) => checkHealth(options, ctx),
    parsePush(body) {
      const bad = (why: string) => new UpstreamFormatError(options.connectorId, `webhook delivery: ${why}`);
      if (!isJsonObject(body)) throw bad("body is not a JSON object");
      const deliveryId = body.delivery_id;
      if (typeof deliveryId !== "string" || deliveryId === "") throw bad("no delivery_id");
      if (typeof body.event !== "string" || !(HOTLINE_EVENTS as readonly string[]).includes(body.event))
        throw bad(`unknown event ${JSON.stringify(body.event ?? null)}`);
      const order = body.order;
      if (!isJsonObject(order)) throw bad("no order object");
      const key = order[HOTLINE_DATASET.keyField];
      if (typeof key !== "string" || key === "") throw bad("the order has no order_no");
      return {
        deliveryId,
        records: [
          {
            sourceKey: `${HOTLINE_DATASET.name}:${key}`,
            payload: { dataset: HOTLINE_DATASET.name, record: order },
          },
        ],
      };
    },
  };
}
