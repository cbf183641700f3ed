// Person (人): one real person across the silos, with values masked unless the caller may see them.
import { normaliseCitizenId } from "../../domain/identifiers/citizen-id.js";
import { maskCitizenId, maskMobile, maskName } from "../../domain/masking.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import { canSeePersonal, canSeeSensitive } from "../../domain/policies/person.js";
import { visiblePersonsWhere } from "../../resolvers/persons.js";
import { builder } from "../builder.js";
import { badInput, hubError } from "../errors.js";
import { Provenance } from "./event.js";

const SexEnum = builder.enumType("Sex", {
  description: "Sex as registered (GB/T 2261.1).",
  values: {
    MALE: { description: "男." },
    FEMALE: { description: "女." },
    UNKNOWN: { description: "Not known." },
  },
});

const AddressKindEnum = builder.enumType("PersonAddressKind", {
  description: "How a person is tied to an address.",
  values: {
    REGISTERED: { description: "户籍地." },
    RESIDENT: { description: "居住地 / 现住址." },
    WORK: { description: "工作地." },
    OTHER: { description: "Other." },
  },
});

const EventRoleEnum = builder.enumType("EventPersonRole", {
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

builder.prismaObject("Address", {
  description: "A standard address (一标) in its area.",
  fields: (t) => ({
    fullText: t.string({
      description:
        "The address as written; masked after the community for callers who may not see personal data.",
      resolve: (a, _args, ctx) =>
        canSeePersonal(ctx.principal) ? a.fullText : `${[...a.fullText].slice(0, 8).join("")}***`,
    }),
    area: t.relation("area", { description: "The area (grid or community) that contains it." }),
  }),
});

builder.prismaObject("PersonAddress", {
  description: "A person's tie to an address.",
  fields: (t) => ({
    kind: t.expose("kind", { type: AddressKindEnum, description: "Registered, resident, work …" }),
    address: t.relation("address", { description: "The standard address." }),
  }),
});

builder.prismaObject("EventPerson", {
  description: "A person's part in an event.",
  fields: (t) => ({
    role: t.expose("role", { type: EventRoleEnum, description: "The part played." }),
    event: t.relation("event", { description: "The event." }),
    person: t.relation("person", { description: "The person." }),
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

builder.prismaNode("Person", {
  id: { field: "id" },
  description:
    "One real person across the silos. Visible through an address or an event in the caller's jurisdiction; values are masked unless the caller may see them.",
  authScopes: async (person, ctx) =>
    (await ctx.loaders.personAreaPaths.load(person.id)).some((path) =>
      withinJurisdiction(ctx.principal, path),
    ),
  fields: (t) => ({
    name: t.string({
      description: "Name; masked (张**) for callers who may not see personal data.",
      resolve: (p, _args, ctx) => (canSeePersonal(ctx.principal) ? p.name : maskName(p.name)),
    }),
    citizenId: t.string({
      nullable: true,
      description:
        "GB 11643 citizen ID when a valid one is known; masked unless the token declares a purpose.",
      resolve: (p, _args, ctx) =>
        p.citizenId && !canSeeSensitive(ctx.principal) ? maskCitizenId(p.citizenId) : p.citizenId,
    }),
    sex: t.expose("sex", { type: SexEnum, description: "Sex." }),
    birthYear: t.int({
      nullable: true,
      description: "Year of birth.",
      resolve: (p) => p.birthDate?.getUTCFullYear() ?? null,
    }),
    phone: t.string({
      nullable: true,
      description: "Mobile; masked (138****1234) for callers who may not see personal data.",
      resolve: (p, _args, ctx) => (p.phone && !canSeePersonal(ctx.principal) ? maskMobile(p.phone) : p.phone),
    }),
    addresses: t.relation("addresses", { description: "Registered, resident and other addresses." }),
    events: t.relation("events", { description: "Events the person takes part in, with the role." }),
    sources: t.field({
      type: [Provenance],
      description: "The source records that assert this person.",
      resolve: (p, _args, ctx) => ctx.loaders.entitySources.load(p.id),
    }),
    assistanceStatus: t.field({
      type: AssistanceStatus,
      nullable: true,
      description:
        "Current social assistance, asked live from civil affairs (one call per request); null with an UPSTREAM_UNAVAILABLE error naming the connector when it does not answer.",
      resolve: async (p, _args, ctx) => {
        if (!canSeeSensitive(ctx.principal))
          throw hubError(
            "FORBIDDEN",
            "assistance status is sensitive: a token with a declared purpose is required",
          );
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

builder.prismaObjectField("Event", "persons", (t) =>
  t.relation("persons", { description: "The people in the event, with their roles." }),
);

builder.queryFields((t) => ({
  person: t.prismaField({
    type: "Person",
    nullable: true,
    authScopes: { authenticated: true },
    description:
      "A person by citizen ID, written in any common form (15-digit legacy, lower-case x, full-width, spaces).",
    args: { citizenId: t.arg.string({ required: true, description: "The citizen ID." }) },
    resolve: async (query, _root, args, ctx) => {
      const id = normaliseCitizenId(args.citizenId);
      if (!id.ok) throw badInput("citizenId", `not a valid citizen ID: ${id.detail}`, { reason: id.reason });
      return ctx.db.person.findFirst({
        ...query,
        where: { AND: [{ citizenId: id.value }, visiblePersonsWhere(ctx.principal)] },
      });
    },
  }),
}));
