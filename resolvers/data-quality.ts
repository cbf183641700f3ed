// Each connector's data-quality summary: problems of records stored anyway (DataQualityIssue:
// invalid IDs and credit codes kept as low-trust keys, places outside the city …) and the reasons
// records still wait in quarantine, counted per code, overall and for the latest run.
import DataLoader from "dataloader";
import type { Db } from "../prisma/db.js";

export interface DataQualityCount {
  code: string;
  /** Records (latest versions) with the problem now. */
  count: number;
  /** … of them stored or quarantined since the connector's latest run started. */
  lastRunCount: number;
  /** true: the records wait in quarantine; false: they were stored with the problem. */
  quarantined: boolean;
  /** A few source keys, newest first. */
  examples: string[];
}

const EXAMPLES = 5;

export function createDataQualityLoaders(db: Db) {
  const dataQuality = new DataLoader<string, DataQualityCount[]>(async (ids) => {
    const rows = await db.$queryRawUnsafe<(DataQualityCount & { connectorId: string })[]>(
      `WITH run AS (SELECT c.id, coalesce((SELECT max(r."startedAt") FROM "SyncRun" r WHERE r."connectorId" = c.id),
                                          c."lastRunAt", 'epoch'::timestamp) AS since
                    FROM "Connector" c WHERE c.id = ANY($1::text[]))
       SELECT d."connectorId", d.code, count(*)::int AS count,
              (count(*) FILTER (WHERE d."seenAt" >= run.since))::int AS "lastRunCount", false AS quarantined,
              (array_agg(d."sourceKey" ORDER BY d."seenAt" DESC, d."sourceKey"))[1:${EXAMPLES}] AS examples
       FROM (SELECT DISTINCT ON ("connectorId", code, "sourceKey") * FROM "DataQualityIssue"
             WHERE "connectorId" = ANY($1::text[]) ORDER BY "connectorId", code, "sourceKey", "seenAt" DESC) d
       JOIN run ON run.id = d."connectorId" GROUP BY 1, 2
       UNION ALL
       SELECT q."connectorId", q."reasonCode", count(*)::int,
              (count(*) FILTER (WHERE q."quarantinedAt" >= run.since))::int, true,
              (array_agg(q."sourceKey" ORDER BY q."quarantinedAt" DESC, q."sourceKey"))[1:${EXAMPLES}]
       FROM (SELECT DISTINCT ON ("connectorId", "reasonCode", "sourceKey") * FROM "QuarantinedRecord"
             WHERE "connectorId" = ANY($1::text[]) AND "resolvedAt" IS NULL
             ORDER BY "connectorId", "reasonCode", "sourceKey", "quarantinedAt" DESC) q
       JOIN run ON run.id = q."connectorId" GROUP BY 1, 2
       ORDER BY 1, 3 DESC, 2`,
      [...ids],
    );
    const byConnector = new Map<string, DataQualityCount[]>();
    for (const { connectorId, ...r } of rows)
      byConnector.set(connectorId, [...(byConnector.get(connectorId) ?? []), r]);
    return ids.map((id) => byConnector.get(id) ?? []);
  });
  return { dataQuality };
}
