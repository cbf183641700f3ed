// Evaluate the warning rules around one changed event: count what each rule watches (SQL), let the
// domain judge (domain/warnings/rules.ts), and raise or add to the alert, one open alert per rule
// and scope (Alert.dedupeKey). Runs in the consumer's transaction (./consumer.ts).
import type { RaisedWarning, WarningRule } from "../../domain/warnings/rules.js";
import { judge, mostSevere, WARNING_RULES } from "../../domain/warnings/rules.js";
import type { Tx } from "../../prisma/db.js";

interface EventFacts {
  id: string;
  kind: string;
  title: string;
  warningLevel: string;
  overdue: boolean;
  areaId: string;
  areaCode: string;
  addressId: string | null;
  addressName: string | null;
  occurredAt: Date;
  personCount: number | null;
  petitioners: number;
}

const DAY_MS = 86_400_000;

async function factsOf(tx: Tx, eventId: string): Promise<EventFacts | null> {
  const rows = await tx.$queryRaw<EventFacts[]>`
    SELECT e.id::text, e.kind::text AS kind, e.title, e."warningLevel"::text AS "warningLevel",
      e."overdueAt" IS NOT NULL AS overdue, e."areaId"::text AS "areaId", a.code AS "areaCode",
      e."addressId"::text AS "addressId",
      NULLIF(concat_ws(' ', ad.road, ad."doorNumber"), '') AS "addressName", e."occurredAt",
      CASE WHEN e.details->>'personCount' ~ '^[0-9]{1,9}$' THEN (e.details->>'personCount')::int END AS "personCount",
      (SELECT count(*)::int FROM "EventPerson" p WHERE p."eventId" = e.id AND p.role = 'PETITIONER') AS petitioners
    FROM "Event" e JOIN "Area" a ON a.id = e."areaId" LEFT JOIN "Address" ad ON ad.id = e."addressId"
    WHERE e.id = ${eventId}::uuid`;
  return rows[0] ?? null;
}

/** What each rule observes around the event (none when the rule does not apply to it). */
async function observe(tx: Tx, rule: WarningRule, e: EventFacts): Promise<RaisedWarning[]> {
  switch (rule.match) {
    case "collectivePetition": {
      if (e.kind !== "PETITION") return [];
      const count = Math.max(e.personCount ?? 0, e.petitioners);
      const w = judge(rule, { count, scopeId: e.id, scopeName: e.title, eventIds: [e.id] });
      return w ? [w] : [];
    }
    case "overdueRed": {
      const w = judge(rule, {
        count: 0,
        scopeId: e.id,
        scopeName: e.title,
        eventIds: [e.id],
        holds: e.overdue && e.warningLevel === "RED",
      });
      return w ? [w] : [];
    }
    case "repeatPetitioner": {
      if (e.kind !== "PETITION") return [];
      const since = new Date(e.occurredAt.getTime() - rule.windowDays * DAY_MS);
      const rows = await tx.$queryRaw<{ personId: string; count: number; eventIds: string[] }[]>`
        SELECT p."personId"::text AS "personId", count(DISTINCT o.id)::int AS count,
          (array_agg(DISTINCT o.id::text))[1:50] AS "eventIds"
        FROM "EventPerson" p
        JOIN "EventPerson" op ON op."personId" = p."personId" AND op.role = 'PETITIONER'
        JOIN "Event" o ON o.id = op."eventId" AND o.kind = 'PETITION'
          AND o."occurredAt" BETWEEN ${since} AND ${e.occurredAt}
        WHERE p."eventId" = ${e.id}::uuid AND p.role = 'PETITIONER'
        GROUP BY p."personId"`;
      return rows.flatMap((r) => {
        const w = judge(rule, {
          count: r.count,
          scopeId: r.personId,
          scopeName: "petitioner",
          eventIds: r.eventIds,
        });
        return w ? [w] : [];
      });
    }
    case "cluster": {
      if (!rule.kinds.includes(e.kind as never)) return [];
      if (rule.scope === "address" && !e.addressId) return [];
      const since = new Date(e.occurredAt.getTime() - rule.windowDays * DAY_MS);
      const scopeId = rule.scope === "address" ? (e.addressId as string) : e.areaId;
      const rows = await tx.$queryRaw<{ count: number; eventIds: string[] | null }[]>`
        SELECT count(*)::int AS count, (array_agg(o.id::text ORDER BY o."occurredAt" DESC))[1:50] AS "eventIds"
        FROM "Event" o
        WHERE o.kind::text = ANY(${[...rule.kinds]}::text[])
          AND o."occurredAt" BETWEEN ${since} AND ${e.occurredAt}
          AND (CASE WHEN ${rule.scope} = 'address' THEN o."addressId" ELSE o."areaId" END) = ${scopeId}::uuid`;
      const r = rows[0];
      if (!r) return [];
      const w = judge(rule, {
        count: r.count,
        scopeId,
        scopeName: rule.scope === "address" ? (e.addressName ?? "one address") : e.areaCode,
        eventIds: r.eventIds ?? [],
      });
      return w ? [w] : [];
    }
  }
}

/** Raise (or add to) the alerts the event's change calls for; returns the warnings raised. */
export async function evaluateEvent(
  tx: Tx,
  eventId: string,
  now: Date,
  rules: readonly WarningRule[] = WARNING_RULES,
): Promise<RaisedWarning[]> {
  const e = await factsOf(tx, eventId);
  if (!e) return [];
  const raised: RaisedWarning[] = [];
  for (const rule of rules) raised.push(...(await observe(tx, rule, e)));
  const kept = mostSevere(raised);
  for (const w of kept) {
    // A new match adds its events to the open alert of the same rule and scope, if any.
    await tx.$executeRaw`
      INSERT INTO "Alert" (id, kind, level, "areaId", "eventId", reasons, status, "raisedAt", rule, "eventIds", "dedupeKey")
      VALUES (gen_random_uuid(), 'WARNING', ${w.level}::"WarningLevel", ${e.areaId}::uuid, ${e.id}::uuid,
        ${JSON.stringify(w.reasons)}::jsonb, 'OPEN', ${now}, ${w.rule}, ${w.eventIds}::uuid[], ${w.dedupeKey})
      ON CONFLICT ("dedupeKey") DO UPDATE
        SET "eventIds" = ARRAY(SELECT DISTINCT x FROM unnest("Alert"."eventIds" || EXCLUDED."eventIds") x),
            reasons = EXCLUDED.reasons
        WHERE NOT ("Alert"."eventIds" @> EXCLUDED."eventIds")`;
  }
  return kept;
}
