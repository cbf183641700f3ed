// A connection's total, counted beside its page instead of after it. plugin-prisma resolves a
// connection's `totalCount` only once the page is back, so a list that asks for both waited for
// two database round trips one after the other. When the connection's selection names
// `totalCount`, its page resolver starts the count and the `totalCount` option takes the same
// promise (both receive the connection's own `args` object); otherwise the count runs when asked,
// as before. The count is the same statement either way: only when it starts changes.
import type { GraphQLResolveInfo } from "graphql";
import { selects } from "./selection.js";

const started = new WeakMap<object, Promise<number>>();

/**
 * A connection's count, declared once: `totalCount` is the connection's option, `start` is
 * called first thing in its page resolver.
 */
export function totalBeside<Parent, Args extends object, Ctx>(
  count: (parent: Parent, args: Args, ctx: Ctx) => Promise<number>,
) {
  return {
    totalCount: (parent: Parent, args: Args, ctx: Ctx): Promise<number> => {
      const total = started.get(args);
      if (!total) return count(parent, args, ctx);
      started.delete(args);
      return total;
    },
    start: (parent: Parent, args: Args, ctx: Ctx, info: GraphQLResolveInfo): void => {
      if (!selects(info, "totalCount")) return;
      const total = count(parent, args, ctx);
      total.catch(() => {}); // a failure is reported where the total is read, not as an unhandled rejection
      started.set(args, total);
    },
  };
}
