// Civil affairs (民政) connector manifest: social-assistance rosters and the register of social
// organisations. Sensitivity per PIPL art. 28 / GB/T 35273-2020 (DOMAIN.md): the citizen ID and
// what assistance a person receives (低保 / 特困 / disability subsidy: economic hardship, disability)
// are sensitive; name, sex, phone and addresses are personal. A registered social organisation's
// credit code, name, type and domicile are published by the registration authority (public); who
// represents it is personal data of that person.
import { DEPARTMENTS, type DepartmentCode } from "../../../domain/departments.js";
import type { SensitivityClass } from "../../../domain/sensitivity.js";
import { type ConnectorManifest, connectorManifestSchema, type ElementKind } from "../../contract.js";

const OWNER: DepartmentCode = "civil_affairs";
const department = DEPARTMENTS.find((d) => d.code === OWNER)!;

const fields = (element: ElementKind, sensitivity: SensitivityClass, names: readonly string[]) =>
  names.map((field) => ({ element, field, sensitivity, owner: OWNER }));

export const civilAffairsManifest: ConnectorManifest = connectorManifestSchema.parse({
  id: "civil-affairs",
  department: { code: department.code, name: department.name },
  description:
    "民政救助对象名册（低保、特困、高龄津贴、残疾人补贴）与社会组织登记信息：救助对象身份与住址、社会组织信用代码、名称、类型、住所及法定代表人（姓名、身份证号码）；救助类别与状态按需实时查询。",
  produces: ["PERSON", "ORGANISATION"],
  fields: [
    // assistanceStatus is served live through lookup("assistanceStatus"), never stored
    ...fields("PERSON", "SENSITIVE", ["citizenId", "assistanceStatus"]),
    ...fields("PERSON", "PERSONAL", ["name", "sex", "phone", "addresses"]),
    ...fields("ORGANISATION", "PUBLIC", ["uscc", "name", "kind", "addressText"]),
    // a social organisation's 联系电话 is often its legal representative's own mobile
    ...fields("ORGANISATION", "INTERNAL", ["registeredOn", "registeringAuthority", "status"]),
    ...fields("ORGANISATION", "PERSONAL", ["members", "phone"]),
  ],
  // rosters are exported as spreadsheets once a day (after the monthly payment run they change
  // in bulk): a nightly pull in the largest pages
  schedule: { intervalSeconds: 86_400, pageSize: 5000 },
  capabilities: { lookups: ["assistanceStatus"], push: false },
});
