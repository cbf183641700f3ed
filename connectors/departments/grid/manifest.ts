// Grid management (网格化服务管理) connector manifest: the grid map, grid workers, standard
// addresses (一标), real units (实有单位), patrol reports and disputes. Sensitivity per PIPL art. 28
// / GB/T 35273-2020 (DOMAIN.md): area codes and names are public (GB/T 2260); the address base and
// event handling are government-internal; citizen IDs are sensitive, names, phones and home
// addresses personal. Event texts and the link person → event are sensitive here: patrol visits
// target special groups (community correction, drug history, mental illness) and lone elders,
// and dispute parties' family and money matters are in the summaries.
import { DEPARTMENTS, type DepartmentCode } from "../../../domain/departments.js";
import type { SensitivityClass } from "../../../domain/sensitivity.js";
import { type ConnectorManifest, connectorManifestSchema, type ElementKind } from "../../contract.js";

const OWNER: DepartmentCode = "grid";
const department = DEPARTMENTS.find((d) => d.code === OWNER)!;

const fields = (element: ElementKind, sensitivity: SensitivityClass, names: readonly string[]) =>
  names.map((field) => ({ element, field, sensitivity, owner: OWNER }));

export const gridManifest: ConnectorManifest = connectorManifestSchema.parse({
  id: "grid",
  department: { code: department.code, name: department.name },
  description:
    "网格化服务管理平台：网格与网格员、标准地址（一标三实）、实有单位、网格员巡查上报、矛盾纠纷排查调处（当事人、调解状态、三色预警）。",
  produces: ["AREA", "ADDRESS", "PERSON", "ORGANISATION", "EVENT"],
  fields: [
    ...fields("AREA", "PUBLIC", ["code", "name", "level", "parentCode"]),
    ...fields("ADDRESS", "INTERNAL", ["text", "areaCode", "latitude", "longitude"]),
    ...fields("PERSON", "SENSITIVE", ["citizenId"]),
    ...fields("PERSON", "PERSONAL", ["name", "sex", "phone", "addresses"]),
    // a patrol report's 网格员编号: which worker record it means
    ...fields("PERSON", "INTERNAL", ["sameAs", "posts"]),
    ...fields("ORGANISATION", "PUBLIC", ["uscc", "name", "kind"]),
    ...fields("ORGANISATION", "INTERNAL", ["areaCode", "addressText", "status"]),
    // a unit's 联系电话 is often its legal representative's own mobile
    ...fields("ORGANISATION", "PERSONAL", ["members", "phone"]),
    ...fields("EVENT", "INTERNAL", [
      "kind",
      "title",
      "occurredAt",
      "reportedAt",
      "areaCode",
      "status",
      "warningLevel",
      "handlingUnit",
      "organisations",
      "details.patrolType",
      "details.workerNo",
      "details.addressCode",
      "details.handledAt",
      "details.disputeType",
      "details.mediationOutcome",
      "details.partyRoles",
      "details.sourceRef",
    ]),
    // usually someone's home
    ...fields("EVENT", "PERSONAL", ["addressText"]),
    // who was visited (special groups) or is a party to a dispute, and what the report says
    ...fields("EVENT", "SENSITIVE", ["description", "persons"]),
  ],
  // grid workers report from the field all day: a 5-minute incremental pull
  schedule: { intervalSeconds: 300, pageSize: 2000 },
  capabilities: { lookups: [], push: false },
});
