// Where the cursor may stand when a connector's pages commit out of order: never past a page that
// has not committed, and never back.
import { describe, expect, it } from "vitest";
import { PageOrder } from "../../../integration/sync/page-order.js";

describe("PageOrder", () => {
  it("moves the cursor after each page committed in order", () => {
    const order = new PageOrder();
    const a = order.start("c1");
    const b = order.start("c2");
    expect(order.commit(a)).toBe("c1");
    expect(order.commit(b)).toBe("c2");
  });

  it("holds the cursor while an earlier page is still open, then moves it past both", () => {
    const order = new PageOrder();
    const a = order.start("c1");
    const b = order.start("c2");
    const c = order.start("c3");
    expect(order.commit(b)).toBeUndefined();
    expect(order.commit(c)).toBeUndefined();
    expect(order.commit(a)).toBe("c3");
  });

  it("stops before a page that never commits, whatever commits after it", () => {
    const order = new PageOrder();
    const a = order.start("c1");
    order.start("c2"); // fails
    const c = order.start("c3");
    expect(order.commit(a)).toBe("c1");
    expect(order.commit(c)).toBeUndefined();
  });
});
