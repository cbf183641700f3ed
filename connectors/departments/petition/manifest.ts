// Petition (信访) connector manifest: petition cases and their petitioners. Sensitivity per PIPL
// art. 28 / GB/T 35273-2020 (DOMAIN.md lists petitioner status among sensitive information): the
// citizen ID, being a petitioner at all (the link person → petition), being a repeat or collective
// petitioner, and what the petition says are sensitive; name, phone and address are personal.
// The case's handling (issue category, form, status, time limits, responsible unit) is internal.
import { DEPARTMENTS, type DepartmentCode } from "../../../domain/departments.js";
import type { SensitivityClass } from "../../../domain/sensitivity.js";
import { type ConnectorManifest, connectorManifestSchema, type ElementKind } from "../../contract.js";

const OWNER: DepartmentCode = "petition";
const department = DEPARTMENTS.find((d) => d.code === OWNER)!;

const fields = (element: ElementKind, sensitivity: SensitivityClass, names: readonly string[]) =>
  names.map((field) => ({ element, field, sensitivity, owner: OWNER }));

export const petitionManifest: ConnectorManifest = connectorManifestSchema.parse({
  id: "petition",
  department: { code: department.code, name: department.name },
  description:
    "信访件（来信、来访、网上信访）：信访人、问题分类与属地、登记/受理日期与办理时限、办理状态、集体访人数、重复信访标记及责任单位。",
  produces: ["PERSON", "EVENT"],
  fields: [
    ...fields("PERSON", "SENSITIVE", ["citizenId"]),
    ...fields("PERSON", "PERSONAL", ["name", "phone", "addresses"]),
    ...fields("EVENT", "INTERNAL", [
      "kind",
      "title",
      "occurredAt",
      "reportedAt",
      "deadlineAt",
      "areaCode",
      "status",
      "handlingUnit",
      "details.form",
      "details.issueCategory",
      "details.locality",
      "details.personCount",
      "details.acceptedDate",
      "details.deadline",
      "details.extendedDeadline",
      "details.reviewStage",
    ]),
    // petitioner status (PIPL art. 28 as DOMAIN.md applies it): who petitioned, about what, and
    // whether they are a repeat or collective petitioner
    ...fields("EVENT", "SENSITIVE", [
      "persons",
      "description",
      "details.isCollective",
      "details.isRepeat",
      "details.previousCaseNo",
    ]),
  ],
  // 10^4–10^5 cases a year, nested XML that is costly to page: hourly, in modest pages
  schedule: { intervalSeconds: 3600, pageSize: 1000 },
  capabilities: { lookups: [], push: false },
});
