// Public security (公安) connector manifest: the population registry and 110 incidents.
// Sensitivity per PIPL art. 28 / GB/T 35273-2020 (DOMAIN.md "Personal-information rules"):
// the citizen ID and ethnicity (specific identity) are sensitive; name, sex, birth date, phone and
// addresses are personal; who is involved in a police matter, what the call said and what the
// police did about it are restricted to named roles (SECRET); where it happened is whereabouts.
import { DEPARTMENTS, type DepartmentCode } from "../../../domain/departments.js";
import type { SensitivityClass } from "../../../domain/sensitivity.js";
import { type ConnectorManifest, connectorManifestSchema, type ElementKind } from "../../contract.js";

const OWNER: DepartmentCode = "public_security";
const department = DEPARTMENTS.find((d) => d.code === OWNER)!;

const fields = (element: ElementKind, sensitivity: SensitivityClass, names: readonly string[]) =>
  names.map((field) => ({ element, field, sensitivity, owner: OWNER }));

export const publicSecurityManifest: ConnectorManifest = connectorManifestSchema.parse({
  id: "public-security",
  department: { code: department.code, name: department.name },
  description:
    "公安人口信息（户籍/常住/流动人口）与110接处警记录：人员身份、户籍地与现住址、警情时间地点、类别、处警结果及涉事人员。",
  produces: ["PERSON", "EVENT"],
  fields: [
    ...fields("PERSON", "SENSITIVE", ["citizenId", "ethnicity"]),
    ...fields("PERSON", "PERSONAL", ["name", "sex", "birthDate", "phone", "addresses"]),
    ...fields("EVENT", "INTERNAL", [
      "kind",
      "title",
      "occurredAt",
      "reportedAt",
      "areaCode",
      "status",
      "handlingUnit",
      "details.category",
      "details.categoryName",
      "details.reportMode",
    ]),
    // the incident location is often a person's home: whereabouts (PIPL art. 28)
    ...fields("EVENT", "SENSITIVE", ["addressText"]),
    // ongoing police matters: the call's content, the outcome (e.g. 已立案) and who is involved
    ...fields("EVENT", "SECRET", ["description", "details.outcome", "persons"]),
  ],
  // the registry changes slowly and 110 calls come ~2 a minute in a large city: a 15-minute
  // incremental pull through the public-security data exchange, in large pages
  // the registry names every person by citizen ID, so its pages are written two at a time; a
  // party of its 110 incidents (the last ~6 % of its records) named by name alone on two pages
  // side by side is left to the resolution pass (docs/connectors.md, Synchronisation)
  schedule: { intervalSeconds: 900, pageSize: 5000, writers: 2 },
  capabilities: { lookups: [], push: false },
});
