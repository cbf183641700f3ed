// What a request held is let go once its answer is written (gateway/plugins/release-answered.ts):
// Apollo's gateway context keeps a closure over the request context, so what that context points
// at must be emptied, not merely dropped by us.
import type { GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { describe, expect, it } from "vitest";
import { answeredRequests } from "../../gateway/plugins/release-answered.js";
import type { Context } from "../../schema/context.js";

type WillSend = GraphQLRequestContextWillSendResponse<Context>;

async function answer(released: ReturnType<typeof answeredRequests>, requestContext: object) {
  const listener = await released.plugin.requestDidStart?.(requestContext as never);
  await listener?.willSendResponse?.(requestContext as WillSend);
}

describe("answeredRequests", () => {
  it("empties the request's context and drops its answer's body after release", async () => {
    const released = answeredRequests();
    const gone = new AbortController();
    const loaders = { person: "a DataLoader with cached rows" };
    const requestContext = {
      contextValue: { signal: gone.signal, loaders, requestId: "r1" },
      response: { http: { status: 200 }, body: { kind: "single", singleResult: { data: { person: {} } } } },
    };
    await answer(released, requestContext);
    expect(released.pending).toBe(1);
    // untouched until the answer is written
    expect(requestContext.contextValue.loaders).toBe(loaders);

    released.release(gone.signal);
    expect(Object.keys(requestContext.contextValue)).toEqual([]);
    expect(requestContext.response.body).toBeUndefined();
    expect(requestContext.response.http.status).toBe(200);
    expect(released.pending).toBe(0);
  });

  it("releases only the request whose signal it is given", async () => {
    const released = answeredRequests();
    const first = new AbortController();
    const second = new AbortController();
    const a = { contextValue: { signal: first.signal, requestId: "a" }, response: { body: {} } };
    const b = { contextValue: { signal: second.signal, requestId: "b" }, response: { body: {} } };
    await answer(released, a);
    await answer(released, b);
    released.release(first.signal);
    expect(a.contextValue).toEqual({});
    expect(b.contextValue.requestId).toBe("b");
    expect(released.pending).toBe(1);
    released.release(first.signal); // again: nothing left to do
    released.release(new AbortController().signal); // never noted
    expect(released.pending).toBe(1);
  });

  it("does not note a context without a signal (the WebSocket path never reaches Apollo)", async () => {
    const released = answeredRequests();
    await answer(released, { contextValue: { requestId: "ws" }, response: { body: {} } });
    expect(released.pending).toBe(0);
  });
});
