// The departments whose silos the hub federates (DOMAIN.md, "information silos"), plus the
// governance command centre. Connectors registered at runtime may add others.

export const DEPARTMENTS = [
  { code: "command_centre", name: "市社会治理现代化指挥中心" },
  { code: "public_security", name: "市公安局" },
  { code: "civil_affairs", name: "市民政局" },
  { code: "hotline_12345", name: "市12345政务服务便民热线" },
  { code: "petition", name: "市信访局" },
  { code: "grid", name: "市网格化服务管理中心" },
] as const;

export type DepartmentCode = (typeof DEPARTMENTS)[number]["code"];
