// Organisation (组织): social organisations, enterprises, public institutions, government units and
// grassroots bodies, with their members and the events they are part of.
import { prismaConnectionHelpers } from "@pothos/plugin-prisma";
import type { Prisma } from "../../generated/prisma/client.js";
import { eventOrderByVia, eventsWhere } from "../../resolvers/events.js";
import { survivorOr } from "../../resolvers/merged.js";
import {
  organisationFilterWhere,
  usccLookupKey,
  visibleMembersWhere,
  visibleOrganisationsWhere,
} from "../../resolvers/organisations.js";
import { builder, elementNotFound } from "../builder.js";
import { badInput } from "../errors.js";
import { EVENT_BASE, EventRef, eventListArgs } from "./event.js";
import { Provenance } from "./provenance.js";

export const OrganisationKindEnum = builder.enumType("OrganisationKind", {
  description: "What kind of organisation.",
  values: {
    SOCIAL_ORGANISATION: { description: "社会组织, registered with civil affairs." },
    ENTERPRISE: { description: "企业." },
    PUBLIC_INSTITUTION: { description: "事业单位." },
    GOVERNMENT_UNIT: { description: "机关." },
    GRASSROOTS: { description: "基层群众自治组织 (居委会, 村委会) and mediation committees." },
    OTHER: { description: "Other, or not known (e.g. a unit as a caller named it)." },
  },
});

export const OrganisationRef = builder.prismaNode("Organisation", {
  id: { field: "id" },
  description:
    "An organisation across the silos. Visible when its area, its address or one of its events lies in the caller's jurisdiction.",
  // Select mode: an organisation's columns are read only when a field asks for them.
  select: { id: true },
  // Reached through any path but outside jurisdiction: answered as if it did not exist.
  authScopes: async (org, ctx) => {
    if (await ctx.loaders.elementVisible(ctx, "Organisation").load(org.id)) return true;
    throw elementNotFound();
  },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Registered name, or the name as a source gave it." }),
    uscc: t.exposeString("uscc", {
      nullable: true,
      description: "GB 32100 unified social credit code (统一社会信用代码), when known.",
    }),
    usccValid: t.exposeBoolean("usccValid", {
      description: "Whether the credit code passed its check characters (false: a low-trust key).",
    }),
    kind: t.expose("kind", { type: OrganisationKindEnum, description: "What kind of organisation." }),
    area: t.relation("area", { nullable: true, description: "The area it is registered in, when known." }),
    address: t.relation("address", { nullable: true, description: "Its standard address, when known." }),
    members: t.relation("members", {
      description: "Persons tied to it (legal representative, member, employee …) whom the caller may see.",
      query: (_args, ctx) => ({
        where: visibleMembersWhere(ctx),
        orderBy: [{ role: "asc" }, { personId: "asc" }],
      }),
    }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this organisation.",
      resolve: (o, _args, ctx) => ctx.loaders.entitySourcesInJurisdiction(ctx).load(o.id),
    }),
  }),
});

export const PersonOrganisationRef = builder.prismaObject("PersonOrganisation", {
  description: "A person's tie to an organisation.",
  select: { personId: true, organisationId: true, role: true },
  fields: (t) => ({
    role: t.exposeString("role", {
      description: "LEGAL_REPRESENTATIVE, MEMBER, EMPLOYEE, GRID_WORKER …",
    }),
    since: t.expose("since", { type: "DateTime", nullable: true, description: "Since when, if known." }),
    until: t.expose("until", { type: "DateTime", nullable: true, description: "Until when, if it ended." }),
    person: t.relation("person", {
      description: "The person.",
      // a merge that committed after the link was read: the survivor (resolvers/merged.ts)
      onNull: (link, _args, ctx) => survivorOr(ctx.loaders.survivingPersons.load(link.personId), "person"),
    }),
    organisation: t.relation("organisation", {
      description: "The organisation.",
      onNull: (link, _args, ctx) =>
        survivorOr(ctx.loaders.survivingOrganisations.load(link.organisationId), "organisation"),
    }),
  }),
});

builder.prismaObject("EventOrganisation", {
  description: "An organisation's part in an event.",
  fields: (t) => ({
    role: t.exposeString("role", {
      description:
        "TARGET (the unit a caller complains about), MEDIATOR, APPLICANT, RESPONDENT, PARTY, HANDLING_UNIT …",
    }),
    event: t.relation("event", { description: "The event." }),
    organisation: t.relation("organisation", {
      description: "The organisation.",
      onNull: (link, _args, ctx) =>
        survivorOr(ctx.loaders.survivingOrganisations.load(link.organisationId), "organisation"),
    }),
  }),
});

builder.prismaInterfaceField("Event", "organisations", (t) =>
  t.relation("organisations", {
    description: "The organisations in the event (target unit, parties, mediator …), with their roles.",
    query: (_args, ctx) => ({
      where: { organisation: visibleOrganisationsWhere(ctx) },
      orderBy: [{ role: "asc" }, { organisationId: "asc" }],
    }),
  }),
);

const organisationEvents = prismaConnectionHelpers(builder, "EventOrganisation", {
  cursor: "eventId_organisationId_role",
  args: (t) => ({ filter: t.field(eventListArgs.filter), orderBy: t.field(eventListArgs.orderBy) }),
  // The event's base columns, also when only edge fields are asked for (an empty selection is
  // invalid); the node's fields add theirs.
  select: (nodeSelection) => ({ role: true, event: nodeSelection({ select: EVENT_BASE }) }),
  resolveNode: (join) => join.event,
  query: (args, ctx) => ({
    where: { event: eventsWhere(ctx, args.filter) },
    // Prisma takes a list of orderings; the helper's type names a single one.
    orderBy: [
      ...eventOrderByVia(args.orderBy),
      { organisationId: "asc" },
      { role: "asc" },
    ] as Prisma.EventOrganisationOrderByWithRelationInput,
  }),
});

builder.prismaObjectField("Organisation", "events", (t) =>
  t.connection(
    {
      type: EventRef,
      description:
        "Events the organisation is part of, inside the caller's jurisdiction, newest first by default; one edge per role.",
      args: organisationEvents.getArgs(),
      select: (args, ctx, nestedSelection) => ({
        events: organisationEvents.getQuery(args, ctx, nestedSelection),
        _count: { select: { events: { where: { event: eventsWhere(ctx, args.filter) } } } },
      }),
      resolve: (org, args, ctx) => ({
        ...organisationEvents.resolve(org.events, args, ctx),
        totalCount: org._count.events,
      }),
    },
    {
      name: "OrganisationEventsConnection",
      description: "A page of an organisation's events.",
      fields: (c) => ({
        totalCount: c.int({
          description: "How many edges match, over all pages.",
          resolve: (connection) => connection.totalCount,
        }),
      }),
    },
    {
      name: "OrganisationEventsEdge",
      description: "An event and the organisation's role in it.",
      fields: (e) => ({
        role: e.string({
          description: "The organisation's role in the event.",
          resolve: (edge) => (edge as unknown as { role: string }).role,
        }),
      }),
    },
  ),
);

const OrganisationFilterInput = builder.inputType("OrganisationFilter", {
  description: "Which organisations to list. Every condition given must hold; jurisdiction always applies.",
  fields: (t) => ({
    under: t.string({ description: "Only organisations placed in this area's subtree (division code)." }),
    kinds: t.field({ type: [OrganisationKindEnum], description: "Only these kinds." }),
    nameContains: t.string({ description: "Only names containing this text." }),
  }),
});

builder.queryFields((t) => ({
  organisation: t.prismaField({
    type: "Organisation",
    nullable: true,
    authScopes: { authenticated: true },
    description:
      "An organisation by its unified social credit code, in any common spelling (lower case, full-width, spaces).",
    args: { uscc: t.arg.string({ required: true, description: "The credit code (统一社会信用代码)." }) },
    resolve: (query, _root, args, ctx) => {
      const key = usccLookupKey(args.uscc);
      if (!key) throw badInput("uscc", "not a unified social credit code");
      return ctx.db.organisation.findFirst({
        ...query,
        where: { AND: [{ OR: [{ uscc: key }, { usccLowTrust: key }] }, visibleOrganisationsWhere(ctx)] },
      });
    },
  }),
  organisations: t.prismaConnection({
    type: "Organisation",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Organisations visible to the caller, filtered, by name.",
    args: { filter: t.arg({ type: OrganisationFilterInput, description: "Which organisations." }) },
    totalCount: (_parent, args, ctx) =>
      ctx.db.organisation.count({ where: organisationFilterWhere(ctx, args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.organisation.findMany({
        ...query,
        where: organisationFilterWhere(ctx, args.filter),
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
  }),
}));
