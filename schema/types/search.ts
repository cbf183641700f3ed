// Search (检索): find persons, organisations and addresses by name, citizen ID, mobile, credit code
// or address text, inside the caller's jurisdiction. Results are the elements themselves, masked
// as everywhere else.
import {
  type SEARCH_KEYS,
  SEARCH_MAX,
  type SEARCH_TYPES,
  type SearchHit,
  searchElements,
} from "../../resolvers/search.js";
import { mayRead } from "../access-plugin.js";
import { builder } from "../builder.js";
import { AddressRef } from "./address.js";
import { OrganisationRef } from "./organisation.js";
import { PersonRef } from "./person.js";

const SearchTypeEnum = builder.enumType("SearchType", {
  description: "Which kind of element to search.",
  values: {
    PERSON: { description: "Persons (人)." },
    ORGANISATION: { description: "Organisations (组织)." },
    ADDRESS: { description: "Standard addresses (地)." },
  } satisfies Record<(typeof SEARCH_TYPES)[number], { description: string }>,
});

const SearchKeyEnum = builder.enumType("SearchKey", {
  description: "What a search hit matched on.",
  values: {
    CITIZEN_ID: { description: "The citizen ID, in any legacy spelling." },
    PHONE: { description: "The mobile number." },
    USCC: { description: "The unified social credit code." },
    NAME: { description: "The name: trigram similarity, substring or the same pinyin." },
    ADDRESS: { description: "The address text: trigram word similarity or substring." },
  } satisfies Record<(typeof SEARCH_KEYS)[number], { description: string }>,
});

const SearchElement = builder.unionType("SearchElement", {
  description: "An element a search can find.",
  types: [PersonRef, OrganisationRef, AddressRef],
  resolveType: (element) =>
    "fullText" in element ? "Address" : "uscc" in element ? "Organisation" : "Person",
});

const SearchHitRef = builder.objectRef<SearchHit>("SearchHit").implement({
  description: "One element found, how well and by which key.",
  fields: (t) => ({
    element: t.field({ type: SearchElement, description: "The element found.", resolve: (h) => h.element }),
    score: t.exposeFloat("score", {
      description: "How well it matched, 0–1 (1: an exact key or name).",
    }),
    matchedOn: t.field({
      type: SearchKeyEnum,
      description: "The key it matched on.",
      resolve: (h) => h.matchedOn,
    }),
  }),
});

builder.queryFields((t) => ({
  search: t.field({
    type: [SearchHitRef],
    authScopes: { authenticated: true },
    description:
      "Find elements by citizen ID (any legacy form), mobile, credit code, name (trigram similarity, works on Chinese names; pinyin catches homophone typos) or address text, best first, inside the caller's jurisdiction. Persons and addresses are found by name, mobile or address text only for callers who may see personal data.",
    args: {
      text: t.arg.string({ required: true, description: "What to look for." }),
      types: t.arg({ type: [SearchTypeEnum], description: "Only these kinds of element (default: all)." }),
      first: t.arg.int({ defaultValue: 20, description: `How many hits, 1–${SEARCH_MAX}.` }),
    },
    resolve: (_root, args, ctx) =>
      searchElements(ctx.db, ctx.principal, args.text, {
        types: args.types,
        limit: args.first ?? 20,
        signal: ctx.signal,
        searchable: {
          citizenId: mayRead(ctx, "Person.citizenId"),
          phone: mayRead(ctx, "Person.phone"),
          name: mayRead(ctx, "Person.name"),
          address: mayRead(ctx, "Address.fullText"),
        },
      }),
  }),
}));
