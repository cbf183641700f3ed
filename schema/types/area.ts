// Area (行政区划/网格): the place hierarchy every element is placed in.
import {
  AREA_LEVEL_RULES,
  AREA_LEVELS,
  communityKind,
  isInSubtree,
  normaliseAreaCode,
  townshipKind,
} from "../../domain/area.js";
import { canReadArea } from "../../domain/policies/area.js";
import { areaUpdateSchema, updateArea } from "../../integration/commands/areas.js";
import { addressesUnderWhere } from "../../resolvers/addresses.js";
import { type AreaKey, areaFilterWhere, subtreeWhere } from "../../resolvers/areas.js";
import {
  countEvents,
  EVENT_CURSOR,
  type EventFilter,
  eventsWhere,
  findEventPage,
} from "../../resolvers/events.js";
import { organisationsUnderWhere } from "../../resolvers/organisations.js";
import { residentsWhere } from "../../resolvers/persons.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import { totalBeside } from "../connection-total.js";
import type { Context } from "../context.js";
import { notFound } from "../errors.js";
import { EventRef, eventFilterOf, eventListArgs } from "./event.js";
import { OrganisationKindEnum } from "./organisation.js";
import { AddressKindEnum } from "./person.js";

export const AreaLevelEnum = builder.enumType("AreaLevel", {
  description: "Level in the five-level hierarchy 市 → 区/县 → 街道/乡镇 → 社区/村 → 网格.",
  values: Object.fromEntries(
    AREA_LEVELS.map((l) => [
      l,
      { value: l, description: `${AREA_LEVEL_RULES[l].label}: ${AREA_LEVEL_RULES[l].description}` },
    ]),
  ) as Record<(typeof AREA_LEVELS)[number], { value: (typeof AREA_LEVELS)[number]; description: string }>,
});

const SubtreeCounts = builder
  .objectRef<{ total: number; DISTRICT: number; STREET: number; COMMUNITY: number; GRID: number }>(
    "AreaSubtreeCounts",
  )
  .implement({
    description: "How many areas of each level lie below an area (the area itself not counted).",
    fields: (t) => ({
      total: t.exposeInt("total", { description: "All areas below." }),
      districts: t.exposeInt("DISTRICT", { description: "Districts and counties below." }),
      streets: t.exposeInt("STREET", { description: "Streets and townships below." }),
      communities: t.exposeInt("COMMUNITY", { description: "Communities and villages below." }),
      grids: t.exposeInt("GRID", { description: "Grids below." }),
    }),
  });

export const AreaNode = builder.prismaNode("Area", {
  id: { field: "id" },
  description:
    "An administrative area or grid. Visible to a principal inside its jurisdiction, and as an ancestor of it.",
  // Select mode: an area's columns are read only when a field asks for them; its path, which
  // the second line of defence reads, always, and its code, by which its own lists find the
  // subtree's areas (listedArea), whether or not the operation asks for it.
  select: { id: true, path: true, code: true },
  // Second line of defence: whatever path reaches an area, its fields resolve only if visible.
  authScopes: (area, ctx) => canReadArea(ctx.principal, area.path),
  fields: (t) => ({
    code: t.exposeString("code", {
      description:
        "Division code: GB/T 2260 (city, county), 12-digit statistical code (township, community), plus a 3-digit grid number.",
    }),
    name: t.exposeString("name", {
      description: "Official name, e.g. 崇川区, 和平桥街道, 友谊社区第一网格.",
    }),
    level: t.expose("level", { type: AreaLevelEnum, description: "Level in the hierarchy." }),
    kind: t.string({
      nullable: true,
      description: "For townships 街道/镇/乡 and for communities 居委会/村委会, read from the code ranges.",
      select: { level: true, code: true },
      resolve: (area) =>
        area.level === "STREET"
          ? townshipKind(area.code)
          : area.level === "COMMUNITY"
            ? communityKind(area.code)
            : null,
    }),
    depth: t.exposeInt("depth", { description: "0 for the city, 4 for a grid." }),
    latitude: t.exposeFloat("latitude", {
      nullable: true,
      description: "Centroid latitude (WGS-84), when known.",
    }),
    longitude: t.exposeFloat("longitude", {
      nullable: true,
      description: "Centroid longitude (WGS-84), when known.",
    }),
    parent: t.relation("parent", {
      nullable: true,
      description: "The area one level up; null for the city.",
    }),
    children: t.relatedConnection("children", {
      cursor: "id",
      totalCount: true,
      description: "Areas one level down, by code.",
      query: () => ({ orderBy: { code: "asc" } }),
    }),
    subtreeCounts: t.field({
      type: SubtreeCounts,
      description: "How many areas of each level lie below.",
      resolve: (area, _args, ctx) => ctx.loaders.areaSubtreeCounts.load(area.id),
    }),
    updatedAt: t.expose("updatedAt", {
      type: "DateTime",
      description: "When the registry entry last changed.",
    }),
  }),
});

// Declared apart from the node: a field returning its own type.
builder.prismaObjectFields("Area", (t) => ({
  ancestors: t.field({
    type: [AreaNode],
    description: "All areas above, from the city down to the parent.",
    resolve: (area, _args, ctx) => ctx.loaders.areaAncestors.load(area.id),
  }),
}));

builder.queryFields((t) => ({
  area: t.prismaField({
    type: "Area",
    nullable: true,
    authScopes: { authenticated: true },
    description:
      "One area by its division code (any common spelling: spaces, full-width digits, 12-digit county form).",
    args: {
      code: t.arg.string({ required: true, description: "Division code, e.g. 320602 or 320602001000." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const area = await ctx.loaders.areaByCode.load(normaliseAreaCode(args.code));
      return area ? ctx.db.area.findUnique({ ...query, where: { id: area.id } }) : null;
    },
  }),
  areas: t.prismaConnection({
    type: "Area",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Areas visible to the caller, filtered, ordered by code.",
    args: {
      level: t.arg({ type: AreaLevelEnum, description: "Only this level." }),
      under: t.arg.string({ description: "Only areas below this area code." }),
      nameContains: t.arg.string({ description: "Only names containing this text." }),
    },
    totalCount: (_parent, args, ctx) => ctx.db.area.count({ where: areaFilterWhere(ctx, args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.area.findMany({
        ...query,
        where: areaFilterWhere(ctx, args),
        orderBy: { code: "asc" },
      }),
  }),
}));

const UpdateAreaInput = builder.inputType("UpdateAreaInput", {
  description: "Corrections to an area's registry entry. Omitted fields stay as they are.",
  fields: (t) => ({
    code: t.string({ required: true, description: "Division code of the area to change." }),
    name: t.string({ description: "New official name (1–50 characters).", validate: areaUpdateSchema.name }),
    latitude: t.float({ description: "Centroid latitude, −90…90.", validate: areaUpdateSchema.latitude }),
    longitude: t.float({
      description: "Centroid longitude, −180…180.",
      validate: areaUpdateSchema.longitude,
    }),
  }),
});

builder.mutationFields((t) => ({
  updateArea: t.prismaField({
    type: "Area",
    authScopes: { role: "area_admin" },
    description:
      "Correct an area's name or centroid (area administrators, inside their jurisdiction). Publishes areaChanged.",
    args: {
      input: t.arg({
        type: UpdateAreaInput,
        required: true,
        description: "The area (by code) and what to change.",
      }),
    },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await command(() => updateArea(input, ctx));
      return ctx.db.area.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));

builder.subscriptionFields((t) => ({
  areaChanged: t.field({
    type: AreaNode,
    authScopes: { authenticated: true },
    description:
      "Areas whose registry entry changes (added or renamed), within `under` (default: all the caller may see).",
    args: { under: t.arg.string({ description: "Only changes below or at this area code." }) },
    subscribe: async function* (_root, args, ctx) {
      let rootPath: string | null = null;
      if (args.under) {
        const root = await ctx.loaders.areaByCode.load(normaliseAreaCode(args.under));
        if (!root) throw notFound("area", args.under);
        rootPath = root.path;
      }
      const stop = new AbortController();
      try {
        for await (const change of ctx.changes.subscribe(
          (c) =>
            c.topic === "AREA" &&
            c.areaPath !== null &&
            (rootPath === null || isInSubtree(c.areaPath, rootPath)) &&
            canReadArea(ctx.principal, c.areaPath),
          stop.signal,
        )) {
          yield change.id;
        }
      } finally {
        stop.abort();
      }
    },
    resolve: async (id, _args, ctx) => {
      const area = await ctx.db.area.findUnique({ where: { id } });
      if (!area) throw notFound("area", id);
      return area;
    },
  }),
}));

// The elements placed in an area's subtree. Each list is one query per area it is asked for
// (jurisdiction and the subtree in SQL); the elements' own fields are batched as everywhere.
builder.prismaObjectFields("Area", (t) => ({
  subtree: t.prismaConnection({
    type: "Area",
    cursor: "id",
    description: "Areas below this one at any depth, visible to the caller, by code.",
    args: { level: t.arg({ type: AreaLevelEnum, description: "Only this level." }) },
    totalCount: (area, args, ctx) => ctx.db.area.count({ where: subtreeWhere(ctx, area.id, args.level) }),
    resolve: (query, area, args, ctx) =>
      ctx.db.area.findMany({
        ...query,
        where: subtreeWhere(ctx, area.id, args.level),
        orderBy: { code: "asc" },
      }),
  }),
  residents: t.prismaConnection({
    type: "Person",
    cursor: "id",
    description: "Persons with an address in this area's subtree (inside the caller's jurisdiction), by id.",
    args: { kind: t.arg({ type: AddressKindEnum, description: "Only this kind of tie to the address." }) },
    totalCount: (area, args, ctx) => ctx.db.person.count({ where: residentsWhere(ctx, area.id, args.kind) }),
    resolve: (query, area, args, ctx) =>
      ctx.db.person.findMany({
        ...query,
        where: residentsWhere(ctx, area.id, args.kind),
        orderBy: { id: "asc" },
      }),
  }),
  organisations: t.prismaConnection({
    type: "Organisation",
    cursor: "id",
    description: "Organisations placed in this area's subtree that the caller may see, by name.",
    args: { kinds: t.arg({ type: [OrganisationKindEnum], description: "Only these kinds." }) },
    totalCount: (area, args, ctx) =>
      ctx.db.organisation.count({ where: organisationsUnderWhere(ctx, area.id, args.kinds) }),
    resolve: (query, area, args, ctx) =>
      ctx.db.organisation.findMany({
        ...query,
        where: organisationsUnderWhere(ctx, area.id, args.kinds),
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
  }),
  addresses: t.prismaConnection({
    type: "Address",
    cursor: "id",
    description: "Standard addresses in this area's subtree (inside the caller's jurisdiction), by text.",
    args: { textContains: t.arg.string({ description: "Only addresses whose text contains this." }) },
    totalCount: (area, args, ctx) =>
      ctx.db.address.count({ where: addressesUnderWhere(ctx, area.id, args.textContains) }),
    resolve: (query, area, args, ctx) =>
      ctx.db.address.findMany({
        ...query,
        where: addressesUnderWhere(ctx, area.id, args.textContains),
        orderBy: [{ fullText: "asc" }, { id: "asc" }],
      }),
  }),
  events: t.prismaConnection({
    type: EventRef,
    cursor: EVENT_CURSOR,
    description: "Events in this area's subtree (inside the caller's jurisdiction), newest first by default.",
    args: { filter: t.arg(eventListArgs.filter), orderBy: t.arg(eventListArgs.orderBy) },
    totalCount: areaEventsTotal.totalCount,
    resolve: (query, area, args, ctx, info) => {
      areaEventsTotal.start(area, args, ctx, info);
      return findEventPage(
        ctx.db,
        query,
        args.orderBy,
        Promise.all([eventFilterOf(ctx, args.filter), listedArea(ctx, area)]).then(([f, key]) =>
          eventsWhere(ctx, f, key),
        ),
      );
    },
  }),
}));

/** How many of the area's events match the filter (one statement), counted beside the page. */
const areaEventsTotal = totalBeside(
  async (area: AreaKey & { code?: string }, args: { filter?: EventFilter | null }, ctx: Context) =>
    countEvents(ctx, await eventFilterOf(ctx, args.filter), await listedArea(ctx, area)),
);

/**
 * The area whose events are listed, as a filter names it: with its subtree's ids when small, found
 * by its code (every area row holds it: AreaNode's select).
 */
async function listedArea(ctx: Context, area: AreaKey & { code?: string }): Promise<AreaKey> {
  return (area.code ? await ctx.loaders.areaKeyByCode.load(area.code) : null) ?? area;
}
