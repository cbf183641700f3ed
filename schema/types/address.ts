// Address (地, 一标): a standard address in its area, with the people, organisations and events
// there. Personal: where someone lives is shown as the access policy decides (domain/access/).
import { addressFilterWhere } from "../../resolvers/addresses.js";
import { eventOrderBy, eventsWhere } from "../../resolvers/events.js";
import { ownAreaVisible } from "../../resolvers/jurisdiction.js";
import { visibleOrganisationsWhere } from "../../resolvers/organisations.js";
import { builder } from "../builder.js";
import { eventListArgs } from "./event.js";
import { AddressKindEnum } from "./person.js";
import { Provenance } from "./provenance.js";

export const AddressRef = builder.prismaNode("Address", {
  id: { field: "id" },
  description:
    "A standard address (一标) in its area (grid or community). Visible inside the caller's jurisdiction.",
  // Select mode: an address's columns are read only when a field asks for them. The area's path
  // comes with the address, in the statement that loads it: the jurisdiction check then costs no
  // query of its own, whatever tick the address resolves in.
  select: { id: true, area: { select: { path: true } } },
  authScopes: (address, ctx) => ownAreaVisible(ctx.principal, "Address", address.area.path),
  fields: (t) => ({
    fullText: t.exposeString("fullText", {
      description:
        "The address as written; masked below the community (…XX社区***) for callers cleared only for masked personal data.",
    }),
    area: t.relation("area", { description: "The area (grid or community) that contains it." }),
    residents: t.relation("persons", {
      description: "The persons tied to this address (registered, resident, working here), with the tie.",
      args: { kind: t.arg({ type: AddressKindEnum, description: "Only this kind of tie." }) },
      query: (args) => ({
        where: args.kind ? { kind: args.kind } : {},
        orderBy: [{ kind: "asc" }, { personId: "asc" }],
      }),
    }),
    organisations: t.relation("organisations", {
      description: "Organisations at this address whom the caller may see.",
      query: (_args, ctx) => ({
        where: visibleOrganisationsWhere(ctx),
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
    }),
    events: t.relatedConnection("events", {
      cursor: "id",
      totalCount: true,
      description: "Events at this address, newest first by default.",
      args: { filter: t.arg(eventListArgs.filter), orderBy: t.arg(eventListArgs.orderBy) },
      query: (args, ctx) => ({
        where: eventsWhere(ctx, args.filter),
        orderBy: eventOrderBy(args.orderBy),
      }),
    }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this address.",
      resolve: (a, _args, ctx) => ctx.loaders.entitySourcesInJurisdiction(ctx).load(a.id),
    }),
  }),
});

const AddressFilterInput = builder.inputType("AddressFilter", {
  description: "Which addresses to list. Every condition given must hold; jurisdiction always applies.",
  fields: (t) => ({
    under: t.string({ description: "Only addresses in this area's subtree (division code)." }),
    textContains: t.string({ description: "Only addresses whose text contains this." }),
  }),
});

builder.queryFields((t) => ({
  addresses: t.prismaConnection({
    type: "Address",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Standard addresses in the caller's jurisdiction, filtered, by text.",
    args: { filter: t.arg({ type: AddressFilterInput, description: "Which addresses." }) },
    totalCount: (_parent, args, ctx) => ctx.db.address.count({ where: addressFilterWhere(ctx, args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.address.findMany({
        ...query,
        where: addressFilterWhere(ctx, args.filter),
        orderBy: [{ fullText: "asc" }, { id: "asc" }],
      }),
  }),
}));
