// Roles a token may carry, declared once. Separation of duties follows GB/T 35273 and MLPS 2.0
// level 3: operators, security administrators and auditors are different roles.

export const ROLES = {
  city_commander: {
    label: "市级指挥长",
    description: "City command centre: the whole city within jurisdiction",
  },
  district_commander: { label: "区县指挥长", description: "District/county command centre" },
  street_operator: { label: "街镇综治中心", description: "Street/township governance centre operator" },
  community_worker: { label: "社区工作者", description: "Community/village committee worker" },
  grid_worker: { label: "网格员", description: "Grid worker: own grid only" },
  department_officer: { label: "部门人员", description: "Staff of a department that owns a silo" },
  analyst: { label: "分析员", description: "Explores the graph for statistics and research" },
  area_admin: { label: "区划管理员", description: "Maintains the area and grid registry" },
  connector_admin: { label: "接入管理员", description: "Registers and operates department connectors" },
  data_steward: {
    label: "数据治理员",
    description: "Works the entity-resolution review queue: merges and unmerges persons, audited",
  },
  security_admin: { label: "安全管理员", description: "Manages field policies and principals" },
  auditor: { label: "审计员", description: "Reads the audit trail; nothing else" },
} as const;

export type Role = keyof typeof ROLES;

export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}
