// 12345 hotline connector manifest: work orders (工单) with their callers and the units they
// complain about. Sensitivity per PIPL art. 28 / GB/T 35273-2020 (DOMAIN.md): the caller's ID is
// sensitive; name, phone, what they said and where are personal (masked on screens); who called
// about what is personal too. The ticket's handling (category, status, deadline, unit, KPIs) is
// government-internal working data, and so is a unit named in an unverified complaint.
import { DEPARTMENTS, type DepartmentCode } from "../../../domain/departments.js";
import type { SensitivityClass } from "../../../domain/sensitivity.js";
import { type ConnectorManifest, connectorManifestSchema, type ElementKind } from "../../contract.js";

const OWNER: DepartmentCode = "hotline_12345";
const department = DEPARTMENTS.find((d) => d.code === OWNER)!;

const fields = (element: ElementKind, sensitivity: SensitivityClass, names: readonly string[]) =>
  names.map((field) => ({ element, field, sensitivity, owner: OWNER }));

export const hotlineManifest: ConnectorManifest = connectorManifestSchema.parse({
  id: "hotline-12345",
  department: { code: department.code, name: department.name },
  description:
    "12345政务服务便民热线工单：来电人、诉求类型与内容、地址、承办单位、办理时限、状态、回访满意度，以及110转办的非警务警情。",
  produces: ["PERSON", "ORGANISATION", "EVENT"],
  fields: [
    ...fields("PERSON", "SENSITIVE", ["citizenId"]),
    ...fields("PERSON", "PERSONAL", ["name", "sex", "phone"]),
    ...fields("ORGANISATION", "INTERNAL", ["name", "kind"]),
    ...fields("EVENT", "INTERNAL", [
      "kind",
      "title",
      "occurredAt",
      "reportedAt",
      "deadlineAt",
      "areaCode",
      "status",
      "handlingUnit",
      "organisations",
      "details.category",
      "details.urgency",
      "details.satisfaction",
      "details.channel",
      "details.topic",
      "details.overdue",
      "details.closedAt",
      "details.sourceRef",
    ]),
    // the caller's own words and place, and the link from a caller to their demand
    ...fields("EVENT", "PERSONAL", ["description", "addressText", "persons"]),
  ],
  // new orders are pushed as they are dispatched (webhook); the poll is the back-stop that also
  // picks up status changes and return-visit results
  schedule: { intervalSeconds: 300, pageSize: 2000 },
  capabilities: { lookups: [], push: true },
});
