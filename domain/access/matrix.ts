// The access policy as a page a reviewer reads whole (docs/access-control.md): generated from the
// decision table, the purposes and the field table, and checked for staleness by a test.
import type { Role } from "../roles.js";
import { ROLES } from "../roles.js";
import { SENSITIVITY_CLASSES, SENSITIVITY_DESCRIPTIONS } from "../sensitivity.js";
import { type Cell, GRANTS, RESTRICTED_OWNERS } from "./decisions.js";
import { FIELD_POLICY } from "./fields.js";
import type { Purpose } from "./purposes.js";
import { SOURCE_PRESENCE } from "./sources.js";

function cellText(cell: Cell): string {
  const own = cell.own ?? cell.other;
  const ownPurpose = cell.ownPurpose ?? cell.otherPurpose;
  const part = (base: string, withPurpose: string | undefined) =>
    withPurpose && withPurpose !== base ? `${base} → ${withPurpose} with purpose` : base;
  const other = part(cell.other, cell.otherPurpose);
  const mine = part(own, ownPurpose);
  return mine === other ? other : `own: ${mine}; others': ${other}`;
}

const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

export function accessMatrixMarkdown(purposes: readonly Purpose[]): string {
  const lines: string[] = [
    "# Access control",
    "",
    "<!-- Generated from domain/access/{decisions,purposes,fields,sources}.ts by `npm run docs:access`; a test fails when this page is stale. -->",
    "",
    "One policy decides what every principal sees, on every path (fields, relations, node, search, counts, filters, provenance, subscriptions, and the read plans that answer person-360 and area-events from one statement each, field by field through the same guards).",
    "It has two tables: the **field table** gives every field of the graph a sensitivity class, an owning department and the data type its mask follows;",
    "the **decision table** says what each role gets for each class: ALLOW (the value), MASK (the value masked by its data type), or DENY (FORBIDDEN, naming the field and what is missing).",
    "A principal with several roles gets the most open decision. `own` means fields owned by the department the token acts for (claim `dept`).",
    "Every value read in full of a PERSONAL, SENSITIVE or SECRET field, and every refusal, is written to the audit trail, which only the auditor reads: one record per request, outcome and set of fields, naming every element that set was read on (`auditTrail(entity)` finds them). Nothing is served that could not be audited: while the hub holds `AUDIT_QUEUE_MAX` records its database has not taken, every operation is refused with `AUDIT_UNAVAILABLE`.",
    "",
    "## Classes",
    "",
    row(["class", "meaning"]),
    row(["---", "---"]),
    ...SENSITIVITY_CLASSES.map((c) => row([c, SENSITIVITY_DESCRIPTIONS[c]])),
    "",
    "## Decision table",
    "",
    row(["role", ...SENSITIVITY_CLASSES]),
    row(["---", ...SENSITIVITY_CLASSES.map(() => "---")]),
    ...(Object.keys(GRANTS) as Role[]).map((role) =>
      row([`${role} (${ROLES[role].label})`, ...SENSITIVITY_CLASSES.map((c) => cellText(GRANTS[role][c]))]),
    ),
    "",
    ...Object.entries(RESTRICTED_OWNERS).map(
      ([owner, roles]) =>
        `Fields owned by \`${owner}\` are read by ${roles.join(", ")} only, whatever their class.`,
    ),
    "",
    "## Purposes of processing",
    "",
    "Declared in the token (claims `purpose`, `purpose_ref`) or per request (headers `X-Purpose`, `X-Purpose-Ref`; WebSocket connection params `purpose`, `purposeRef`). An unknown code is refused.",
    "",
    row(["code", "label", "unlocks", "owners", "needs a reference", "de-identified"]),
    row(["---", "---", "---", "---", "---", "---"]),
    ...purposes.map((p) =>
      row([
        p.code,
        p.label,
        p.unlocks.join(", ") || "nothing",
        p.owners === "*" ? "every owner" : p.owners.join(", "),
        p.requiresReference ? "yes" : "no",
        p.deIdentified ? "yes: every personal value masked" : "no",
      ]),
    ),
    "",
    "## Provenance",
    "",
    "A source record tells that a department holds a record of someone. Provenance lists (`sources`, claim sources) show a record only to principals not refused this class of the owning department's data; claimed values take the class and mask of the field they assert.",
    "",
    row(["department", "a record's presence is"]),
    row(["---", "---"]),
    ...Object.entries(SOURCE_PRESENCE).map(([d, c]) => row([d, c])),
    "",
    "## Field table",
    "",
    row(["field", "class", "owner", "masked as"]),
    row(["---", "---", "---", "---"]),
    ...Object.entries(FIELD_POLICY)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, p]) =>
        row([
          `\`${key}\``,
          p.asserts ? "of the field it asserts" : p.class,
          p.asserts ? "" : p.owner,
          p.asserts ? "as the field it asserts" : (p.mask ?? (p.items ? "items filtered" : "")),
        ]),
      ),
    "",
    "Relay plumbing (`PageInfo`, connections' `edges`/`pageInfo`/`totalCount`, edges' `cursor`/`node`) carries no data of its own: PUBLIC. Fields not masked by a data type are withheld (null) when the decision is MASK; composite fields pass, and their own fields decide.",
    "",
  ];
  return lines.join("\n");
}
