// What registries hold of an organisation (登记信息): registration date, registering authority,
// status, contact number and a credit code kept though it failed its check; and organisations'
// merge and unmerge for data stewards, audited like persons'.

import { hasRole } from "../../domain/principal.js";
import { mergeCommand, type StewardDeps, unmergeCommand } from "../../integration/commands/merges.js";
import { reasonSchema, rowIdSchema } from "../../integration/commands/resolution.js";
import { organisationInJurisdiction } from "../../resolvers/organisation-merges.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import type { Context } from "../context.js";
import { OrganisationRef } from "./organisation.js";

const OrganisationStatusEnum = builder.enumType("OrganisationStatus", {
  description: "登记状态: an organisation's standing, as its registry states it.",
  values: {
    ACTIVE: { description: "存续 / 在业." },
    DEREGISTERED: { description: "注销." },
    REVOKED: { description: "吊销 (business licence revoked)." },
    MOVED_OUT: { description: "迁出 (registration moved to another authority)." },
  },
});

builder.prismaObjectFields("Organisation", (t) => ({
  registeredOn: t.string({
    nullable: true,
    description: "成立日期 (YYYY-MM-DD), as the most authoritative registry gives it.",
    select: { registeredOn: true },
    resolve: (o) => o.registeredOn?.toISOString().slice(0, 10) ?? null,
  }),
  registeringAuthority: t.exposeString("registeringAuthority", {
    nullable: true,
    description: "登记机关: the authority that registered it, as the registry names it.",
  }),
  status: t.expose("status", {
    type: OrganisationStatusEnum,
    nullable: true,
    description: "登记状态, as the most authoritative registry gives it.",
  }),
  phone: t.exposeString("phone", {
    nullable: true,
    description: "联系电话, the newest a source gave: for a small unit often a person's own mobile.",
  }),
  usccLowTrust: t.exposeString("usccLowTrust", {
    nullable: true,
    description:
      "A credit code a source gave that failed its check, kept as a low-trust key: searchable, and it joins the same code from another source.",
  }),
}));

const OrganisationMergeRef = builder.prismaObject("Merge", {
  variant: "OrganisationMerge",
  description: "A merge of two organisations into one: audited, and reversible with unmergeOrganisations.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The merge's id (for unmergeOrganisations)." }),
    survivor: t.field({
      type: OrganisationRef,
      nullable: true,
      description: "The organisation that remains.",
      // null when gone or outside jurisdiction (never a refusal)
      resolve: async (m, _args, ctx) =>
        (await ctx.loaders.elementVisible(ctx, "Organisation").load(m.survivorId))
          ? ctx.db.organisation.findUnique({ where: { id: m.survivorId } })
          : null,
    }),
    mergedOrganisationId: t.exposeString("mergedId", {
      description: "Database id of the organisation folded in (restored with the same id by unmerge).",
    }),
    method: t.exposeString("method", {
      description:
        "MANUAL (a steward), REVIEW (a review-queue pair accepted), or AUTOMATIC (the resolution pass, actor resolution-pass).",
    }),
    reason: t.exposeString("reason", { description: "Why, as the steward wrote it." }),
    actor: t.exposeString("actor", { description: "Who merged (token subject)." }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
    undoneAt: t.expose("undoneAt", { type: "DateTime", nullable: true, description: "When it was undone." }),
    undoneBy: t.exposeString("undoneBy", { nullable: true, description: "Who undid it." }),
    undoReason: t.exposeString("undoReason", { nullable: true, description: "Why it was undone." }),
  }),
});

builder.prismaObjectField("Organisation", "merges", (t) =>
  t.prismaField({
    type: [OrganisationMergeRef],
    authScopes: (_org, _args, ctx) =>
      hasRole(ctx.principal, "data_steward") || hasRole(ctx.principal, "auditor"),
    description: "Merges into this organisation (the audit trail), newest first.",
    resolve: (query, o, _args, ctx) =>
      ctx.db.merge.findMany({
        ...query,
        where: { entityType: "ORGANISATION", survivorId: o.id },
        orderBy: { at: "desc" },
      }),
  }),
);

const steward = (ctx: Context): StewardDeps => ({
  db: ctx.db,
  principal: ctx.principal,
  visible: (id) => organisationInJurisdiction(ctx, id),
});

builder.mutationFields((t) => ({
  mergeOrganisations: t.prismaField({
    type: OrganisationMergeRef,
    authScopes: { role: "data_steward" },
    description:
      "Merge one organisation into another (audited, reversible with unmergeOrganisations): sources, members and events move to the survivor, registry facts are chosen again. Refused for two different valid credit codes.",
    args: {
      survivorId: t.arg.globalID({
        required: true,
        for: OrganisationRef,
        description: "The organisation that remains.",
      }),
      mergedId: t.arg.globalID({
        required: true,
        for: OrganisationRef,
        description: "The one folded into it.",
      }),
      reason: t.arg.string({ required: true, description: "Why (audited).", validate: reasonSchema }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { mergeId } = await command(() =>
        mergeCommand(
          "ORGANISATION",
          { survivorId: args.survivorId.id, mergedId: args.mergedId.id, reason: args.reason.trim() },
          steward(ctx),
        ),
      );
      return ctx.db.merge.findUniqueOrThrow({ ...query, where: { id: mergeId } });
    },
  }),
  unmergeOrganisations: t.prismaField({
    type: OrganisationMergeRef,
    authScopes: { role: "data_steward" },
    description:
      "Undo an organisation merge: the merged organisation comes back with its id, columns, sources, members and events.",
    args: {
      mergeId: t.arg.id({
        required: true,
        description: "The merge to undo.",
        validate: rowIdSchema("mergeId"),
      }),
      reason: t.arg.string({ required: true, description: "Why (audited).", validate: reasonSchema }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { mergeId } = await command(() =>
        unmergeCommand(
          "ORGANISATION",
          { mergeId: String(args.mergeId), reason: args.reason.trim() },
          steward(ctx),
        ),
      );
      return ctx.db.merge.findUniqueOrThrow({ ...query, where: { id: mergeId } });
    },
  }),
}));
