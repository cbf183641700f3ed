// Person (人): one real person across the silos, with values masked unless the caller may see them.
import { prismaConnectionHelpers } from "@pothos/plugin-prisma";
import type { GraphQLResolveInfo } from "graphql";
import { normaliseCitizenId } from "../../domain/identifiers/citizen-id.js";
import type { EventKind, EventPersonRole, Prisma } from "../../generated/prisma/client.js";
import { eventOrderByVia, eventsWhere } from "../../resolvers/events.js";
import { linkedVisibleWhere } from "../../resolvers/jurisdiction.js";
import { survivorOr } from "../../resolvers/merged.js";
import { visibleMembershipsOfPersonWhere } from "../../resolvers/organisations.js";
import {
  CO_PARTIES_MAX,
  type CoPartyRow,
  personFilterWhere,
  visiblePersonAddressesWhere,
  visiblePersonsWhere,
} from "../../resolvers/persons.js";
import { mayKnow, mayRead } from "../access-plugin.js";
import { builder, elementNotFound } from "../builder.js";
import type { Context } from "../context.js";
import { badInput, hubError } from "../errors.js";
import { childFields, selects } from "../selection.js";
import { EVENT_BASE, EVENT_TYPE_NAMES, EventFilterInput, EventRef, eventListArgs } from "./event.js";
import { PersonOrganisationRef } from "./organisation.js";
import { Provenance } from "./provenance.js";

export const SexEnum = builder.enumType("Sex", {
  description: "Sex as registered (GB/T 2261.1).",
  values: {
    MALE: { description: "男." },
    FEMALE: { description: "女." },
    UNKNOWN: { description: "Not known." },
  },
});

export const AddressKindEnum = builder.enumType("PersonAddressKind", {
  description: "How a person is tied to an address.",
  values: {
    REGISTERED: { description: "户籍地." },
    RESIDENT: { description: "居住地 / 现住址." },
    WORK: { description: "工作地." },
    OTHER: { description: "Other." },
  },
});

export const EventRoleEnum = builder.enumType("EventPersonRole", {
  description: "A person's part in an event.",
  values: {
    REPORTER: { description: "报告人 / 来电人." },
    PARTY: { description: "当事人." },
    SUBJECT: { description: "涉事人." },
    PETITIONER: { description: "信访人." },
    VICTIM: { description: "受害人." },
    WITNESS: { description: "证人." },
    OTHER: { description: "Other." },
  },
});

builder.prismaObject("PersonAddress", {
  description: "A person's tie to a standard address.",
  select: { personId: true, addressId: true, kind: true },
  fields: (t) => ({
    kind: t.expose("kind", { type: AddressKindEnum, description: "Registered, resident, work …" }),
    since: t.expose("since", { type: "DateTime", nullable: true, description: "Since when, if known." }),
    until: t.expose("until", { type: "DateTime", nullable: true, description: "Until when, if it ended." }),
    address: t.relation("address", { description: "The standard address." }),
    person: t.relation("person", {
      description: "The person.",
      // a merge that committed after the link was read: the survivor (resolvers/merged.ts)
      onNull: (link, _args, ctx) => survivorOr(ctx.loaders.survivingPersons.load(link.personId), "person"),
    }),
  }),
});

const EventPersonRef = builder.prismaObject("EventPerson", {
  description: "A person's part in an event.",
  select: { eventId: true, personId: true, role: true },
  fields: (t) => ({
    role: t.expose("role", { type: EventRoleEnum, description: "The part played." }),
    event: t.relation("event", { description: "The event." }),
    person: t.relation("person", {
      description: "The person.",
      // a merge that committed after the link was read: the survivor (resolvers/merged.ts)
      onNull: (link, _args, ctx) => survivorOr(ctx.loaders.survivingPersons.load(link.personId), "person"),
    }),
  }),
});

const AssistanceStatus = builder
  .objectRef<{ status: string | null; category: string | null; amount: number | null }>("AssistanceStatus")
  .implement({
    description: "Social assistance as civil affairs records it now (served live).",
    fields: (t) => ({
      status: t.exposeString("status", { nullable: true, description: "e.g. 在保, 停保." }),
      category: t.exposeString("category", {
        nullable: true,
        description: "低保, 特困, 高龄津贴, 残疾人补贴 …",
      }),
      amount: t.exposeFloat("amount", { nullable: true, description: "Monthly amount (yuan)." }),
    }),
  });

export const PersonRef = builder.prismaNode("Person", {
  id: { field: "id" },
  description:
    "One real person across the silos. Visible through an address, an event, a post or an organisation they represent in the caller's jurisdiction; values are masked unless the caller may see them.",
  // Select mode: a person's columns are read only when a field asks for them.
  select: { id: true },
  // Reached through any path but outside jurisdiction: answered as if it did not exist.
  authScopes: async (person, ctx) => {
    if (await ctx.loaders.elementVisible(ctx, "Person").load(person.id)) return true;
    throw elementNotFound();
  },
  fields: (t) => ({
    name: t.exposeString("name", {
      description: "Name; masked (张**) for callers cleared only for masked personal data.",
    }),
    citizenId: t.exposeString("citizenId", {
      nullable: true,
      description:
        "GB 11643 citizen ID when a valid one is known. Sensitive: refused without a purpose that unlocks it; masked (110*************2X) for roles cleared only for masked values.",
    }),
    sex: t.expose("sex", { type: SexEnum, description: "Sex." }),
    birthYear: t.int({
      nullable: true,
      description: "Year of birth.",
      select: { birthDate: true },
      resolve: (p) => p.birthDate?.getUTCFullYear() ?? null,
    }),
    birthDate: t.string({
      nullable: true,
      description: "Date of birth (YYYY-MM-DD); only the year (1985-**-**) when masked.",
      select: { birthDate: true },
      resolve: (p) => p.birthDate?.toISOString().slice(0, 10) ?? null,
    }),
    phone: t.exposeString("phone", {
      nullable: true,
      description: "Mobile; masked (138****1234) for callers cleared only for masked personal data.",
    }),
    addresses: t.relation("addresses", {
      description: "Registered, resident and other addresses inside the caller's jurisdiction.",
      query: (_args, ctx) => ({
        where: visiblePersonAddressesWhere(ctx),
        orderBy: [{ kind: "asc" }, { addressId: "asc" }],
      }),
    }),
    organisations: t.field({
      type: [PersonOrganisationRef],
      description:
        "Organisations the person belongs to (legal representative, member, employee, grid worker …), those the caller may see.",
      // the filter proves each organisation visible in the statement that reads the person
      select: (_args, ctx, nestedSelection) => ({
        organisations: nestedSelection({
          where: visibleMembershipsOfPersonWhere(ctx),
          orderBy: [{ role: "asc" }, { organisationId: "asc" }],
        }),
      }),
      resolve: (person, _args, ctx) => {
        ctx.loaders.provenVisible(
          ctx,
          "Organisation",
          person.organisations.map((m) => m.organisationId),
        );
        return person.organisations;
      },
    }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this person.",
      resolve: (p, _args, ctx) => ctx.loaders.entitySourcesInJurisdiction(ctx).load(p.id),
    }),
    assistanceStatus: t.field({
      type: AssistanceStatus,
      nullable: true,
      description:
        "Current social assistance, asked live from civil affairs (one call per request); null with an UPSTREAM_UNAVAILABLE error naming the connector when it does not answer.",
      select: { citizenId: true },
      resolve: async (p, _args, ctx) => {
        if (!p.citizenId) return null;
        const found = await ctx.loaders.live.lookup("civil-affairs", "assistanceStatus").load(p.citizenId);
        if (!found || typeof found !== "object" || Array.isArray(found)) return null;
        const f = found as { status?: unknown; category?: unknown; amount?: unknown };
        return {
          status: typeof f.status === "string" ? f.status : null,
          category: typeof f.category === "string" ? f.category : null,
          amount: typeof f.amount === "number" ? f.amount : Number(f.amount) || null,
        };
      },
    }),
  }),
});

// A person's events: a connection through the EventPerson join rows, one edge per part played.
const personEvents = prismaConnectionHelpers(builder, "EventPerson", {
  cursor: "eventId_personId_role",
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
      { personId: "asc" },
      { role: "asc" },
    ] as Prisma.EventPersonOrderByWithRelationInput,
  }),
});

/**
 * A person's tie to an event is as sensitive as that kind's parties (that someone petitioned is
 * Petition.parties): read from the person's side (their events, co-parties, a persons filter by
 * events) only the kinds whose parties the caller may see count.
 */
function partiesVisible<F extends { kinds?: readonly EventKind[] | null }>(
  ctx: object,
  filter: F | null | undefined,
): F | null | undefined {
  const all = Object.keys(EVENT_TYPE_NAMES) as EventKind[];
  const visible = all.filter((k) => mayKnow(ctx, `${EVENT_TYPE_NAMES[k]}.parties`));
  if (visible.length === all.length) return filter;
  const kinds = filter?.kinds ? filter.kinds.filter((k) => visible.includes(k)) : visible;
  return Object.assign({}, filter, { kinds });
}

function inEventsVisible<F extends { inEvents?: { kinds?: readonly EventKind[] | null } | null }>(
  ctx: object,
  filter: F | null | undefined,
): F | null | undefined {
  return filter?.inEvents ? { ...filter, inEvents: partiesVisible(ctx, filter.inEvents) } : filter;
}

builder.prismaObjectField("Person", "events", (t) =>
  t.connection(
    {
      type: EventRef,
      description:
        "Events the person takes part in, inside the caller's jurisdiction, newest first by default; one edge per part played.",
      args: personEvents.getArgs(),
      select: (args, ctx, nestedSelection) => ({
        id: true,
        events: personEvents.getQuery(
          { ...args, filter: partiesVisible(ctx, args.filter) },
          ctx,
          nestedSelection,
        ),
      }),
      // The total is asked for apart: one batched GROUP BY over the persons of the tick, only when
      // totalCount is selected (a relation _count would aggregate the whole join table).
      resolve: (person, args, ctx) => ({
        ...personEvents.resolve(person.events, args, ctx),
        totalCount: () =>
          ctx.loaders.personEventCounts(ctx, partiesVisible(ctx, args.filter)).load(person.id),
      }),
    },
    {
      name: "PersonEventsConnection",
      description: "A page of a person's events.",
      fields: (c) => ({
        totalCount: c.int({
          description: "How many edges match, over all pages.",
          resolve: (connection) => connection.totalCount(),
        }),
      }),
    },
    {
      name: "PersonEventsEdge",
      description: "An event and the part the person played in it.",
      fields: (e) => ({
        role: e.field({
          type: EventRoleEnum,
          description: "The part the person played.",
          resolve: (edge) => (edge as unknown as { role: EventPersonRole }).role,
        }),
      }),
    },
  ),
);

const CoParty = builder.objectRef<CoPartyRow>("CoParty").implement({
  description: "Another person who shares events with a person (共同涉事人).",
  fields: (t) => ({
    person: t.field({ type: PersonRef, description: "The other person.", resolve: (c) => c.person }),
    sharedEvents: t.exposeInt("sharedEvents", {
      description: "How many events inside the caller's jurisdiction they share.",
    }),
    lastSharedAt: t.expose("lastSharedAt", {
      type: "DateTime",
      description: "When the latest shared event occurred.",
    }),
  }),
});

// prismaObjectFields, not prismaObjectField: the validation plugin's output-field typing (inert,
// removed upstream) does not fit prismaObjectField's callback for list-of-object fields.
builder.prismaObjectFields("Person", (t) => ({
  coParties: t.field({
    type: [CoParty],
    description: `The other persons in this person's events (inside the caller's jurisdiction), most shared events first; at most ${CO_PARTIES_MAX}.`,
    args: { first: t.arg.int({ defaultValue: 20, description: `How many, 1–${CO_PARTIES_MAX}.` }) },
    resolve: (p, args, ctx) =>
      ctx.loaders.coParties(ctx, args.first ?? 20, partiesVisible(ctx, null)?.kinds ?? null).load(p.id),
  }),
}));

builder.prismaInterfaceFields("Event", (t) => ({
  parties: t.field({
    type: [EventPersonRef],
    description: "The people in the event, with their roles.",
    args: { role: t.arg({ type: EventRoleEnum, description: "Only this role." }) },
    // persons of a visible event are visible (they reach its area: linkedVisibleWhere), and so
    // their type-level check needs no statement
    select: (args, ctx, nestedSelection) => ({
      persons: nestedSelection({
        where: { ...eventPartiesWhere(ctx), ...(args.role ? { role: args.role } : {}) },
        orderBy: [{ role: "asc" }, { personId: "asc" }],
      }),
    }),
    resolve: (event, _args, ctx) => {
      ctx.loaders.provenVisible(
        ctx,
        "Person",
        event.persons.map((link) => link.personId),
      );
      return event.persons;
    },
  }),
  persons: t.relation("persons", {
    description: "The people in the event, with their roles.",
    deprecationReason: "Use parties.",
    query: (_args, ctx) => ({
      where: eventPartiesWhere(ctx),
      orderBy: [{ role: "asc" }, { personId: "asc" }],
    }),
  }),
}));

/** An event's links to its parties that the caller may see (the event itself being visible). */
function eventPartiesWhere(ctx: Context): Prisma.EventPersonWhereInput {
  const person = linkedVisibleWhere(ctx, "Person", "Event");
  return person ? { person } : {};
}

const PersonFilterInput = builder.inputType("PersonFilter", {
  description: "Which persons to list. Every condition given must hold; jurisdiction always applies.",
  fields: (t) => ({
    under: t.string({ description: "Only persons with an address in this area's subtree (division code)." }),
    nameContains: t.string({ description: "Only names containing this text." }),
    sex: t.field({ type: SexEnum, description: "Only this sex." }),
    inEvents: t.field({
      type: EventFilterInput,
      description: "Only persons who take part in an event matching this filter (e.g. red-warning disputes).",
    }),
  }),
});

/** Filtering by a name the caller sees masked would recover it, one guess at a time. */
function refuseMaskedNameFilter(ctx: object, filter: { nameContains?: string | null } | null | undefined) {
  if (filter?.nameContains && !mayRead(ctx, "Person.name"))
    throw hubError(
      "FORBIDDEN",
      "filter.nameContains needs Person.name in full, which your roles see masked",
      {
        argument: "filter.nameContains",
      },
    );
}

/**
 * Whether the person's `events` is asked once, with its totalCount and without a filter (the
 * person-360 shape, fragments or not): then its total can be counted before the person is back.
 * Anything else (a filter, aliases, the list asked twice) counts as it always does.
 */
function eventsTotalWithoutFilter(info: GraphQLResolveInfo): boolean {
  const events = childFields(info.fieldNodes, "events", info);
  return (
    events.length === 1 &&
    !events[0]!.arguments?.some((a) => a.name.value === "filter") &&
    childFields(events, "totalCount", info).length > 0
  );
}

builder.queryFields((t) => ({
  person: t.prismaField({
    type: "Person",
    nullable: true,
    authScopes: { authenticated: true },
    description:
      "A person by citizen ID, written in any common form (15-digit legacy, lower-case x, full-width, spaces).",
    args: { citizenId: t.arg.string({ required: true, description: "The citizen ID." }) },
    resolve: async (query, _root, args, ctx, info) => {
      const id = normaliseCitizenId(args.citizenId);
      if (!id.ok) throw badInput("citizenId", `not a valid citizen ID: ${id.detail}`, { reason: id.reason });
      // what the person's fields will ask for by the person's id, asked now by the citizen ID
      const prefetched = ctx.loaders.startByCitizenId(ctx, id.value, {
        sources: selects(info, "sources") && mayKnow(ctx, "Person.sources"),
        eventCount:
          eventsTotalWithoutFilter(info) && mayKnow(ctx, "Person.events")
            ? { filter: partiesVisible(ctx, null) }
            : null,
      });
      const person = await ctx.db.person.findFirst({
        ...query,
        where: { AND: [{ citizenId: id.value }, visiblePersonsWhere(ctx)] },
      });
      await prefetched(person?.id ?? null);
      if (person) ctx.loaders.provenVisible(ctx, "Person", [person.id]);
      return person;
    },
  }),
  persons: t.prismaConnection({
    type: "Person",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Persons visible to the caller (an address or an event in its jurisdiction), by id.",
    args: { filter: t.arg({ type: PersonFilterInput, description: "Which persons." }) },
    totalCount: (_parent, args, ctx) => {
      // The count alone answers the same guess (a totalCount-only selection never runs resolve).
      refuseMaskedNameFilter(ctx, args.filter);
      return ctx.db.person.count({ where: personFilterWhere(ctx, inEventsVisible(ctx, args.filter)) });
    },
    resolve: (query, _root, args, ctx) => {
      refuseMaskedNameFilter(ctx, args.filter);
      return ctx.db.person.findMany({
        ...query,
        where: personFilterWhere(ctx, inEventsVisible(ctx, args.filter)),
        orderBy: { id: "asc" },
      });
    },
  }),
}));
