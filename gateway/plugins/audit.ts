// Hands what each operation read in full or was refused (collected by the access plugin in the
// request's access state) to the audit writer, with who asked, why, and which document: after
// the operation, off its critical path. A subscription is audited event by event. While the
// writer is saturated (its database refuses or stalls the inserts), operations are refused with
// AUDIT_UNAVAILABLE before they execute: nothing is read that could not be audited.
import { createHash } from "node:crypto";
import type { Plugin } from "@envelop/core";
import { type DocumentNode, type ExecutionArgs, getOperationAST, print } from "graphql";
import type { AuditRequest } from "../../integration/audit/writer.js";
import type { Context } from "../../schema/context.js";
import { hubError } from "../../schema/errors.js";

/** Where audit records go (integration/audit/writer.ts). */
export interface AuditSink {
  record(request: AuditRequest, entries: ReturnType<Context["access"]["drain"]>): void;
  /** The queue is full: refuse operations until it drains. */
  readonly saturated: boolean;
  readonly pending: number;
}

const auditUnavailable = (sink: AuditSink) =>
  hubError(
    "AUDIT_UNAVAILABLE",
    `the audit trail cannot be written at the moment (${sink.pending} records waiting for the database); operations are refused until it can`,
  );

const hashes = new WeakMap<DocumentNode, string>();
function documentHash(document: DocumentNode): string {
  let hash = hashes.get(document);
  if (!hash) {
    hash = createHash("sha256").update(print(document)).digest("hex");
    hashes.set(document, hash);
  }
  return hash;
}

function requestOf(args: ExecutionArgs, ctx: Context): AuditRequest {
  const p = ctx.principal;
  return {
    subject: p.subject,
    roles: p.roles,
    department: p.department,
    purpose: p.purpose,
    purposeRef: p.purposeRef,
    operationName:
      getOperationAST(args.document, args.operationName)?.name?.value ?? args.operationName ?? null,
    documentHash: documentHash(args.document),
    requestId: ctx.requestId,
  };
}

export function useAudit(sink: AuditSink): Plugin<Context> {
  const flush = (args: ExecutionArgs, ctx: Context) => {
    const entries = ctx.access.drain();
    if (entries.length > 0) sink.record(requestOf(args, ctx), entries);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (sink.saturated) {
        setResultAndStopExecution({ errors: [auditUnavailable(sink)] });
        return;
      }
      return { onExecuteDone: () => flush(args, args.contextValue) };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (sink.saturated) {
        setResultAndStopExecution({ errors: [auditUnavailable(sink)] });
        return;
      }
      // Refusals at subscribe time, then what each delivered event read.
      return {
        onSubscribeResult: () => {
          flush(args, args.contextValue);
          return {
            onNext: () => flush(args, args.contextValue),
            onEnd: () => flush(args, args.contextValue),
          };
        },
      };
    },
  };
}
