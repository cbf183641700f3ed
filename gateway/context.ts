// Request context: the verified principal (with its jurisdiction resolved to area paths), the
// database, fresh DataLoaders and the change bus. Same for HTTP and WebSocket.
import { randomUUID } from "node:crypto";
import { type Purpose, resolvePurpose } from "../domain/access/purposes.js";
import { RequestAccess } from "../domain/access/request.js";
import type { Clock } from "../domain/clock.js";
import { ANONYMOUS, type Principal } from "../domain/principal.js";
import type { ChangeBus } from "../integration/change-bus.js";
import type { OutboxSubscriptions } from "../integration/outbox.js";
import type { SyncEngine } from "../integration/sync/engine.js";
import type { Db } from "../prisma/db.js";
import { jurisdictionPaths } from "../resolvers/jurisdiction.js";
import { createLoaders } from "../resolvers/loaders.js";
import type { Context } from "../schema/context.js";
import type { TokenVerifier } from "./auth.js";

export interface ContextDeps {
  db: Db;
  changes: ChangeBus;
  outbox: OutboxSubscriptions;
  sync: SyncEngine;
  clock: Clock;
  verifier: TokenVerifier;
  /** The configured purposes of processing (PURPOSES_FILE, else the defaults). */
  purposes: readonly Purpose[];
  /** ACCESS_CONTROL=off (overhead measurement only). */
  accessControl: boolean;
}

/** A purpose declared for one request (X-Purpose / X-Purpose-Ref headers or connection params). */
export interface DeclaredPurposeInput {
  purpose?: string | null | undefined;
  purposeRef?: string | null | undefined;
}

export function createContextFactory(deps: ContextDeps) {
  // The purpose principal() checked, kept for context() (a principal lives for one request or
  // one WebSocket connection): resolved once, not again for every operation.
  const checkedPurposes = new WeakMap<Principal, ReturnType<typeof resolvePurpose>>();

  return {
    /**
     * The principal for an Authorization header; anonymous without one; throws AuthError when
     * invalid, PurposeError when the declared purpose (a request's own, else the token's) is not
     * a configured one.
     */
    async principal(
      authorization: string | null | undefined,
      declared: DeclaredPurposeInput = {},
    ): Promise<Principal> {
      if (!authorization) return ANONYMOUS;
      const verified = await deps.verifier.verify(authorization);
      const purpose = declared.purpose ?? verified.purpose;
      const purposeRef = declared.purpose
        ? (declared.purposeRef ?? null)
        : (declared.purposeRef ?? verified.purposeRef);
      const resolved = purpose
        ? resolvePurpose(deps.purposes, { code: purpose, reference: purposeRef })
        : null;
      const principal: Principal = {
        ...verified,
        purpose: purpose ?? null,
        purposeRef: purpose ? purposeRef : null,
        // cached with the jurisdiction's ids (resolvers/jurisdiction.ts)
        jurisdictionPaths: await jurisdictionPaths(deps.db, verified.jurisdiction),
      };
      checkedPurposes.set(principal, resolved);
      return principal;
    },
    context(
      principal: Principal,
      transport: Context["transport"],
      requestId: string = randomUUID(),
    ): Context {
      const checked = checkedPurposes.get(principal);
      const purpose =
        checked !== undefined
          ? checked
          : principal.purpose
            ? resolvePurpose(deps.purposes, { code: principal.purpose, reference: principal.purposeRef })
            : null;
      return {
        principal,
        access: new RequestAccess(principal, purpose, deps.purposes, deps.accessControl),
        db: deps.db,
        loaders: createLoaders(deps.db, deps.sync),
        changes: deps.changes,
        outbox: deps.outbox,
        sync: deps.sync,
        clock: deps.clock,
        requestId,
        transport,
      };
    },
  };
}

export type ContextFactory = ReturnType<typeof createContextFactory>;
