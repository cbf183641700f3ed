// A connector's data-quality summary (数据质量): what kinds of problems its records have, how many
// were stored anyway (an invalid ID kept as a low-trust key, a place outside the city) and how
// many wait in quarantine, overall and in its latest run.
import type { DataQualityCount } from "../../resolvers/data-quality.js";
import { builder } from "../builder.js";

const DataQualityCountRef = builder.objectRef<DataQualityCount>("DataQualityCount").implement({
  description: "How many of a connector's records have one kind of problem.",
  fields: (t) => ({
    code: t.exposeString("code", {
      description:
        "INVALID_CITIZEN_ID, INVALID_USCC, OUTSIDE_CITY, UNKNOWN_AREA (stored anyway); MISSING_FIELD, INVALID_VALUE, UNKNOWN_AREA, MALFORMED_RECORD … (quarantined).",
    }),
    count: t.exposeInt("count", { description: "Records (their latest versions) with the problem now." }),
    lastRunCount: t.exposeInt("lastRunCount", {
      description: "… of them stored or quarantined since the connector's latest run started.",
    }),
    quarantined: t.exposeBoolean("quarantined", {
      description: "true: the records wait in quarantine; false: they were stored with the problem.",
    }),
    examples: t.exposeStringList("examples", { description: "A few of their source keys, newest first." }),
  }),
});

builder.prismaObjectFields("Connector", (t) => ({
  dataQuality: t.field({
    type: [DataQualityCountRef],
    description: "Its records' data-quality problems by kind, most frequent first.",
    resolve: (c, _args, ctx) => ctx.loaders.dataQuality.load(c.id),
  }),
}));
