// The safety-stability index (平安稳定指数) of an area for a month, with its breakdown by indicator
// and the change from the month before (integration/warnings/stability.ts computes it).
import { normaliseAreaCode } from "../../domain/area.js";
import type { IndexScore, IndicatorScore } from "../../domain/index/indicators.js";
import { withinJurisdiction } from "../../domain/policies/area.js";
import { type StabilityIndex, stabilityIndex } from "../../integration/warnings/stability.js";
import { monthBounds } from "../../integration/workflow/kpis.js";
import { builder } from "../builder.js";
import { command } from "../command.js";
import { notFound } from "../errors.js";

interface IndexView extends StabilityIndex {
  areaCode: string;
  areaName: string;
}

const IndicatorScoreRef = builder.objectRef<IndicatorScore>("StabilityIndicator").implement({
  description: "One indicator of the index: its raw value, its score and what it adds to the index.",
  fields: (t) => ({
    indicator: t.string({ resolve: (s) => s.indicator.id, description: "The indicator's id." }),
    label: t.string({ resolve: (s) => s.indicator.label, description: "Its name." }),
    unit: t.string({ resolve: (s) => s.indicator.unit, description: "The value's unit." }),
    weight: t.float({ resolve: (s) => s.indicator.weight, description: "Its configured weight." }),
    value: t.float({
      nullable: true,
      resolve: (s) => (s.value === null ? null : Math.round(s.value * 10_000) / 10_000),
      description: "The raw value; null without data this month.",
    }),
    score: t.float({ nullable: true, resolve: (s) => s.score, description: "0–100; null without data." }),
    contribution: t.float({ resolve: (s) => s.contribution, description: "Points it adds to the index." }),
  }),
});

const score = (s: IndexScore) => s.score;

const StabilityIndexRef = builder.objectRef<IndexView>("StabilityIndex").implement({
  description: "平安稳定指数: an area's monthly score (0–100) from weighted indicators, and its trend.",
  fields: (t) => ({
    areaCode: t.exposeString("areaCode", { description: "The area." }),
    areaName: t.exposeString("areaName", { description: "Its name." }),
    month: t.exposeString("month", { description: "YYYY-MM (China time)." }),
    residents: t.exposeInt("residents", { description: "Residents counted for the per-10k rates." }),
    score: t.float({ nullable: true, resolve: (i) => score(i.current), description: "This month's index." }),
    previousScore: t.float({
      nullable: true,
      resolve: (i) => score(i.previous),
      description: "Last month's index.",
    }),
    change: t.float({
      nullable: true,
      resolve: (i) => i.change,
      description: "This month's minus last month's.",
    }),
    breakdown: t.field({
      type: [IndicatorScoreRef],
      resolve: (i) => i.current.breakdown,
      description: "Each indicator's value, score and contribution this month.",
    }),
  }),
});

builder.queryFields((t) => ({
  stabilityIndex: t.field({
    type: StabilityIndexRef,
    authScopes: { authenticated: true },
    description: "The safety-stability index of an area inside the caller's jurisdiction, for a month.",
    args: {
      area: t.arg.string({ required: true, description: "The area's code." }),
      month: t.arg.string({ required: true, description: "YYYY-MM." }),
    },
    resolve: async (_root, args, ctx) => {
      await command(async () => monthBounds(args.month));
      const area = await ctx.loaders.areaByCode.load(normaliseAreaCode(args.area));
      if (!area || !withinJurisdiction(ctx.principal, area.path)) throw notFound("area", args.area);
      const index = await stabilityIndex(ctx.db, area.id, args.month);
      return { ...index, areaCode: area.code, areaName: area.name };
    },
  }),
}));
