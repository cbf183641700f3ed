// The resolution pass in the API: a data steward runs it on demand (the hub also runs it after
// every sync that brought records) and sees what it decided.
import { runResolutionPass } from "../../integration/commands/resolution.js";
import type { PassOutcome } from "../../integration/resolution/pass.js";
import { builder } from "../builder.js";
import { command } from "../command.js";

const PosteriorBandRef = builder.objectRef<{ band: string; count: number }>("PosteriorBand").implement({
  description: "How many mentions' best candidate reached a posterior in this band.",
  fields: (t) => ({
    band: t.exposeString("band", { description: "≥0.9 (merged), 0.5–0.9 (review queue), 0.2–0.5, <0.2." }),
    count: t.exposeInt("count", { description: "Mentions in the band." }),
  }),
});

const ResolutionPassRef = builder.objectRef<PassOutcome>("ResolutionPass").implement({
  description:
    "What one resolution pass did: persons without a trustworthy key (mentions) compared with the registered population, merged when one candidate clearly is the one (audited, reversible), queued for review when likely.",
  fields: (t) => ({
    organisationsMerged: t.exposeInt("organisationsMerged", {
      description:
        "Organisations without a valid credit code merged into the one their name key names (method AUTOMATIC, reversible with unmergeOrganisations).",
    }),
    organisationReviews: t.exposeInt("organisationReviews", {
      description: "Organisation pairs newly put in the review queue.",
    }),
    sameRepresentative: t.exposeInt("sameRepresentative", {
      description:
        "Mentions folded together first: one organisation's legal representative, named alike by two sources.",
    }),
    sameRoleHolder: t.exposeInt("sameRoleHolder", {
      description:
        "Mentions merged into the registered person holding the same role at the same organisation under the same name.",
    }),
    mentions: t.exposeInt("mentions", {
      description:
        "Persons without a trustworthy key looked at: those changed since the last pass and those a changed registered person could now match (every one when full).",
    }),
    full: t.exposeBoolean("full", {
      description: "Whether the pass looked at every mention rather than what changed since the last pass.",
    }),
    registryChanged: t.exposeInt("registryChanged", {
      description: "Registered persons changed since the last pass, whose blocks' mentions were looked at.",
    }),
    busy: t.exposeBoolean("busy", {
      description: "Another pass (of this or another hub instance) was running: this one did nothing.",
    }),
    compared: t.exposeInt("compared", {
      description: "Mentions that had at least one registered candidate.",
    }),
    merged: t.exposeInt("merged", {
      description: "Mentions merged into a registered person (method AUTOMATIC).",
    }),
    reviews: t.exposeInt("reviews", { description: "Pairs newly put in the review queue." }),
    byPosterior: t.field({
      type: [PosteriorBandRef],
      description: "Compared mentions by their best candidate's posterior.",
      resolve: (o) => Object.entries(o.byPosterior).map(([band, count]) => ({ band, count })),
    }),
    prior: t.exposeFloat("prior", {
      nullable: true,
      description:
        "P(a mention is someone the registry holds) the posteriors were taken with: measured on the graph (parties to recent events who gave a mobile, with an ID and without), within the policy's range; null when no mention was looked at.",
    }),
    ms: t.exposeInt("ms", { description: "How long the pass took, in milliseconds." }),
  }),
});

builder.mutationField("runResolutionPass", (t) =>
  t.field({
    type: ResolutionPassRef,
    authScopes: { role: "data_steward" },
    description:
      "Run the resolution pass now (数据治理): organisations without a valid credit code are compared with those of their name key, then every person without a trustworthy key changed since the last pass (or every one, full) with the registered persons it could be; clear matches are merged (actor resolution-pass, reversible with unmergeOrganisations / unmergePersons), likely ones queued for review. A pair a steward kept apart is never merged again.",
    args: {
      full: t.arg.boolean({
        description:
          "Look at every mention, not only what changed since the last pass (after a change of weights or thresholds).",
      }),
    },
    resolve: (_root, args, ctx) => command(() => runResolutionPass(ctx, { full: args.full ?? false })),
  }),
);
