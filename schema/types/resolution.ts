// Entity resolution in the API: "who says so" for every attribute, the review queue, and merge /
// unmerge for data stewards (数据治理员), each audited and reversible.
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { hasRole } from "../../domain/principal.js";
import type { MatchReason } from "../../domain/resolution/fellegi-sunter.js";
import { mergeCommand, type StewardDeps, unmergeCommand } from "../../integration/commands/merges.js";
import { decideMatch, reasonSchema, rowIdSchema } from "../../integration/commands/resolution.js";
import type { SourcedClaim } from "../../integration/resolution/canonical.js";
import { organisationInJurisdiction } from "../../resolvers/organisation-merges.js";
import {
  type AttributeProvenanceShape,
  personInJurisdiction,
  reviewQueueIds,
} from "../../resolvers/resolution.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import type { Context } from "../context.js";
import { OrganisationRef } from "./organisation.js";
import { PersonRef } from "./person.js";

const MatchStatusEnum = builder.enumType("MatchStatus", {
  description: "Where a review-queue pair stands.",
  values: {
    OPEN: { description: "待复核: waiting for a data steward." },
    MERGED: { description: "The same person: merged." },
    DISTINCT: { description: "Two people: kept apart, not proposed again." },
  },
});

const MatchVerdictEnum = builder.enumType("MatchVerdict", {
  description: "A steward's verdict on a review-queue pair.",
  values: {
    SAME: { description: "One person: merge the new one into the candidate." },
    DISTINCT: { description: "Two people: keep them apart." },
  },
});

const MatchReasonRef = builder.objectRef<MatchReason>("MatchReason").implement({
  description: "One feature's part in a match score (Fellegi–Sunter): the level it agreed at and its weight.",
  fields: (t) => ({
    feature: t.exposeString("feature", {
      description: "citizenId, name, birthDate, sex, phone or address.",
    }),
    level: t.exposeString("level", {
      description: "How the two agreed: EXACT, PINYIN, SIMILAR, SURNAME, DIFFERENT …",
    }),
    weight: t.exposeFloat("weight", {
      description: "log2(m/u): positive for evidence of one person, negative against.",
    }),
  }),
});

const asReasons = (value: unknown): MatchReason[] => (Array.isArray(value) ? (value as MatchReason[]) : []);

const ClaimSource = builder.objectRef<SourcedClaim>("ClaimSource").implement({
  description: "A source element that asserts a value: connector, record, and how it was linked.",
  fields: (t) => ({
    connectorId: t.string({
      description: "The connector that fetched the record.",
      resolve: (c) => c.row.connectorId,
    }),
    departmentCode: t.string({
      description: "The department that owns the source.",
      resolve: (c) => c.row.departmentCode,
    }),
    sourceKey: t.string({
      description: "The record's key in its source system.",
      resolve: (c) => c.row.sourceKey,
    }),
    ref: t.string({
      description: "The element's name inside the record, e.g. caller.",
      resolve: (c) => c.row.ref,
    }),
    fetchedAt: t.field({
      type: "DateTime",
      description: "When this version was fetched.",
      resolve: (c) => c.row.fetchedAt,
    }),
    method: t.string({
      description: "How the element was linked: SAME_SOURCE, EXACT_KEY, PROBABILISTIC, RESOLUTION_PASS, NEW.",
      resolve: (c) => c.row.method,
    }),
    score: t.float({
      nullable: true,
      description: "The match score of a probabilistic link.",
      resolve: (c) => c.row.score,
    }),
    reasons: t.field({
      type: [MatchReasonRef],
      description: "Why a probabilistic link was made, feature by feature.",
      resolve: (c) => asReasons(c.row.reasons),
    }),
  }),
});

type ClaimedValue = AttributeProvenanceShape["values"][number] & { attribute: string };

const ClaimedValueRef = builder.objectRef<ClaimedValue>("ClaimedValue").implement({
  description: "One value claimed for an attribute, with every source that claims it.",
  fields: (t) => ({
    value: t.field({
      type: "JSON",
      nullable: true,
      description: "The value, masked like the entity's own field for callers not cleared for it.",
      resolve: (v) => v.value,
    }),
    chosen: t.exposeBoolean("chosen", { description: "This is the value the graph shows." }),
    sources: t.field({
      type: [ClaimSource],
      description: "The source elements asserting this value.",
      resolve: (v) => v.claims,
    }),
  }),
});

const AttributeProvenance = builder.objectRef<AttributeProvenanceShape>("AttributeProvenance").implement({
  description:
    "Who says so, for one attribute: the value shown (chosen by source priority and recency) and every value the sources claim.",
  fields: (t) => ({
    attribute: t.exposeString("attribute", {
      description: "name, phone, citizenId, birthDate, address.RESIDENT …",
    }),
    value: t.field({
      type: "JSON",
      nullable: true,
      description: "The value chosen, masked for callers not cleared for it.",
      resolve: (a) => a.value,
    }),
    conflict: t.exposeBoolean("conflict", {
      description: "The sources disagree: more than one value is claimed.",
    }),
    values: t.field({
      type: [ClaimedValueRef],
      description: "Every claimed value, the chosen one first.",
      resolve: (a) => a.values.map((v) => ({ ...v, attribute: a.attribute })),
    }),
  }),
});

// prismaObjectFields: see coParties in person.ts.
builder.prismaObjectFields("Person", (t) => ({
  attributes: t.field({
    type: [AttributeProvenance],
    description:
      "Every attribute the sources assert about this person, which source says which value, and which value is shown.",
    resolve: (p, _args, ctx) => ctx.loaders.attributesInJurisdiction(ctx, "PERSON").load(p.id),
  }),
}));

builder.prismaObjectField("Person", "merges", (t) =>
  t.prismaField({
    type: ["Merge"],
    authScopes: (_person, _args, ctx) =>
      hasRole(ctx.principal, "data_steward") || hasRole(ctx.principal, "auditor"),
    description: "Merges into this person (the audit trail), newest first.",
    resolve: (query, p, _args, ctx) =>
      ctx.db.merge.findMany({ ...query, where: { survivorId: p.id }, orderBy: { at: "desc" } }),
  }),
);

/** A person a pair or a merge points at: null when gone or outside jurisdiction (never a refusal). */
const personById = async (ctx: Context, id: string) =>
  (await ctx.loaders.elementVisible(ctx, "Person").load(id)) ? ctx.loaders.personById.load(id) : null;

/** The same for an organisation a pair points at. */
const organisationById = async (ctx: Context, id: string) =>
  (await ctx.loaders.elementVisible(ctx, "Organisation").load(id))
    ? ctx.db.organisation.findUnique({ where: { id } })
    : null;

const MatchCandidateRef = builder.prismaObject("MatchCandidate", {
  description:
    "A review-queue pair (待复核): a new person (or organisation) whose best match scored between the thresholds.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The pair's id." }),
    entityType: t.exposeString("entityType", {
      description:
        "PERSON (person and candidate are set) or ORGANISATION (organisation and candidateOrganisation).",
    }),
    status: t.expose("status", { type: MatchStatusEnum, description: "Open, merged or distinct." }),
    score: t.exposeFloat("score", { description: "Match weight (sum of log2 m/u)." }),
    reasons: t.field({
      type: [MatchReasonRef],
      description: "The score, feature by feature.",
      resolve: (m) => asReasons(m.reasons),
    }),
    person: t.field({
      type: PersonRef,
      nullable: true,
      description: "The person the new record became (null once merged away).",
      resolve: (m, _args, ctx) => (m.entityType === "PERSON" ? personById(ctx, m.entityId) : null),
    }),
    candidate: t.field({
      type: PersonRef,
      nullable: true,
      description: "The existing person it may be.",
      resolve: (m, _args, ctx) => (m.entityType === "PERSON" ? personById(ctx, m.candidateId) : null),
    }),
    organisation: t.field({
      type: OrganisationRef,
      nullable: true,
      description: "The organisation without a valid credit code the pair is about (organisation pairs).",
      resolve: (m, _args, ctx) =>
        m.entityType === "ORGANISATION" ? organisationById(ctx, m.entityId) : null,
    }),
    candidateOrganisation: t.field({
      type: OrganisationRef,
      nullable: true,
      description: "The organisation it may be (organisation pairs).",
      resolve: (m, _args, ctx) =>
        m.entityType === "ORGANISATION" ? organisationById(ctx, m.candidateId) : null,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the pair was queued." }),
    decidedAt: t.expose("decidedAt", {
      type: "DateTime",
      nullable: true,
      description: "When a steward decided.",
    }),
    decidedBy: t.exposeString("decidedBy", { nullable: true, description: "Who decided (token subject)." }),
  }),
});

builder.prismaObject("Merge", {
  description: "A merge of two persons into one: audited, and reversible with unmergePersons.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The merge's id (for unmergePersons)." }),
    survivor: t.field({
      type: PersonRef,
      nullable: true,
      description: "The person that remains.",
      resolve: (m, _args, ctx) => personById(ctx, m.survivorId),
    }),
    mergedPersonId: t.exposeString("mergedId", {
      description: "Database id of the person folded in (restored with the same id by unmerge).",
    }),
    method: t.exposeString("method", {
      description:
        "MANUAL, REVIEW (a review-queue pair accepted), or AUTOMATIC (the resolution pass, actor resolution-pass).",
    }),
    score: t.exposeFloat("score", { nullable: true, description: "The pair's score, for REVIEW merges." }),
    reason: t.exposeString("reason", { description: "Why, as the steward wrote it." }),
    actor: t.exposeString("actor", { description: "Who merged (token subject)." }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
    undoneAt: t.expose("undoneAt", { type: "DateTime", nullable: true, description: "When it was undone." }),
    undoneBy: t.exposeString("undoneBy", { nullable: true, description: "Who undid it." }),
    undoReason: t.exposeString("undoReason", { nullable: true, description: "Why it was undone." }),
  }),
});

/** What a steward's command needs from this request: the read paths' jurisdiction rule. */
const steward = (ctx: Context): StewardDeps => ({
  db: ctx.db,
  principal: ctx.principal,
  visible: (personId) => personInJurisdiction(ctx, personId),
});

/** A review pair's element is a person or an organisation (ids are unique across both). */
const pairSteward = (ctx: Context): StewardDeps => ({
  ...steward(ctx),
  visible: async (id) => (await personInJurisdiction(ctx, id)) || organisationInJurisdiction(ctx, id),
});

builder.queryFields((t) => ({
  reviewQueue: t.connection(
    {
      type: MatchCandidateRef,
      authScopes: { role: "data_steward" },
      description:
        "The review queue (待复核) within your jurisdiction, highest score first: pairs the matcher would not decide alone.",
      args: { status: t.arg({ type: MatchStatusEnum, defaultValue: "OPEN", description: "Which pairs." }) },
      resolve: async (_root, args, ctx) => {
        let total = 0;
        const connection = await resolveOffsetConnection({ args }, async ({ offset, limit }) => {
          const page = await reviewQueueIds(ctx, args.status ?? "OPEN", offset, limit);
          total = page.total;
          const rows = await ctx.db.matchCandidate.findMany({ where: { id: { in: page.ids } } });
          const order = new Map(page.ids.map((id, i) => [id, i]));
          return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
        });
        return { ...connection, totalCount: total };
      },
    },
    {
      description: "Review-queue pairs.",
      fields: (c) => ({
        totalCount: c.int({
          description: "All pairs in this status within your jurisdiction.",
          resolve: (conn) => (conn as { totalCount?: number }).totalCount ?? 0,
        }),
      }),
    },
  ),
}));

builder.mutationFields((t) => ({
  mergePersons: t.prismaField({
    type: "Merge",
    authScopes: { role: "data_steward" },
    description:
      "Merge one person into another (audited, reversible with unmergePersons): sources, addresses, organisations and events move to the survivor, canonical values are chosen again.",
    args: {
      survivorId: t.arg.globalID({ required: true, for: PersonRef, description: "The person that remains." }),
      mergedId: t.arg.globalID({ required: true, for: PersonRef, description: "The person folded into it." }),
      reason: t.arg.string({ required: true, description: "Why (audited).", validate: reasonSchema }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { mergeId } = await command(() =>
        mergeCommand(
          "PERSON",
          { survivorId: args.survivorId.id, mergedId: args.mergedId.id, reason: args.reason.trim() },
          steward(ctx),
        ),
      );
      return ctx.db.merge.findUniqueOrThrow({ ...query, where: { id: mergeId } });
    },
  }),
  unmergePersons: t.prismaField({
    type: "Merge",
    authScopes: { role: "data_steward" },
    description: "Undo a merge: the merged person comes back with its id, sources and relations.",
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
        unmergeCommand("PERSON", { mergeId: String(args.mergeId), reason: args.reason.trim() }, steward(ctx)),
      );
      return ctx.db.merge.findUniqueOrThrow({ ...query, where: { id: mergeId } });
    },
  }),
  decideMatch: t.prismaField({
    type: "MatchCandidate",
    authScopes: { role: "data_steward" },
    description:
      "Decide a review-queue pair: SAME merges the new person (or organisation) into the candidate, DISTINCT keeps them apart.",
    args: {
      id: t.arg.id({ required: true, description: "The pair.", validate: rowIdSchema("id") }),
      verdict: t.arg({ type: MatchVerdictEnum, required: true, description: "SAME or DISTINCT." }),
      reason: t.arg.string({ required: true, description: "Why (audited).", validate: reasonSchema }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await command(() =>
        decideMatch(
          { id: String(args.id), verdict: args.verdict, reason: args.reason.trim() },
          pairSteward(ctx),
        ),
      );
      return ctx.db.matchCandidate.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
