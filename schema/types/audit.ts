// The audit trail in the API (审计): who read which element's personal values, or was refused,
// when, in which role, for which purpose and with which document. Owned by `audit`: only the
// auditor role reads it (domain/access/decisions.ts RESTRICTED_OWNERS).
import { decodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../builder.js";
import { badInput } from "../errors.js";

const AUDIT_PAGE_MAX = 500;

const AuditOutcomeEnum = builder.enumType("AuditOutcome", {
  description: "What the access policy did.",
  values: {
    READ: { description: "Values read in full (personal, sensitive or secret)." },
    DENIED: { description: "Refused by the access policy." },
  },
});

builder.prismaObject("AuditRecord", {
  description:
    "One request's reads in full, or refusals, of a set of fields: on every element listed (the same fields on each).",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime", description: "When." }),
    subject: t.exposeString("subject", { description: "Who: the token's subject." }),
    roles: t.exposeStringList("roles", { description: "The roles the token carried." }),
    department: t.exposeString("department", { nullable: true, description: "The department acted for." }),
    purpose: t.exposeString("purpose", { nullable: true, description: "Why: the declared purpose's code." }),
    purposeRef: t.exposeString("purposeRef", {
      nullable: true,
      description: "The case or event the purpose was declared for.",
    }),
    operationName: t.exposeString("operationName", { nullable: true, description: "The operation's name." }),
    documentHash: t.exposeString("documentHash", {
      nullable: true,
      description: "sha256 of the operation's document (the same hash for the same query).",
    }),
    requestId: t.exposeString("requestId", { description: "Correlates with the hub's logs." }),
    entityIds: t.exposeStringList("entityIds", {
      description:
        "The elements' database ids, each read (or refused) these fields (empty: root fields only, e.g. a look-up by citizen ID).",
    }),
    fields: t.exposeStringList("fields", {
      description: "The fields, as Type.field, on each element listed.",
    }),
    outcome: t.expose("outcome", { type: AuditOutcomeEnum, description: "Read in full, or refused." }),
  }),
});

builder.queryField("auditTrail", (t) =>
  t.prismaField({
    type: ["AuditRecord"],
    authScopes: { authenticated: true },
    description:
      "Who looked at an element (or what a subject looked at), newest first: for the auditor role only.",
    args: {
      entity: t.arg.id({ description: "The element's global ID (a person, an organisation, an event …)." }),
      subject: t.arg.string({ description: "Only this token subject's records." }),
      before: t.arg({ type: "DateTime", description: "Only records before this instant (the next page)." }),
      first: t.arg.int({ defaultValue: 100, description: `How many, 1–${AUDIT_PAGE_MAX}.` }),
    },
    resolve: (query, _root, args, ctx) => {
      const first = args.first ?? 100;
      if (first < 1 || first > AUDIT_PAGE_MAX) throw badInput("first", `must be 1–${AUDIT_PAGE_MAX}`);
      if (!args.entity && !args.subject) throw badInput("entity", "name an entity or a subject");
      let entityId: string | undefined;
      if (args.entity) {
        try {
          entityId = decodeGlobalID(String(args.entity)).id;
        } catch {
          throw badInput("entity", `"${args.entity}" is not a global ID this hub gives out`);
        }
      }
      return ctx.db.auditRecord.findMany({
        ...query,
        where: {
          ...(entityId ? { entityIds: { has: entityId } } : {}),
          ...(args.subject ? { subject: args.subject } : {}),
          ...(args.before ? { at: { lt: args.before } } : {}),
        },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: first,
      });
    },
  }),
);
