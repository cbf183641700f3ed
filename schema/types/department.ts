// Department (部门): the owner of a silo, and the unit an event is reported by or handled by.
import { builder } from "../builder.js";

export const DepartmentRef = builder.prismaObject("Department", {
  description: "A government department or unit that owns a silo or handles events (公安, 民政, 12345 …).",
  fields: (t) => ({
    code: t.exposeString("code", { description: "Stable short code, e.g. public_security." }),
    name: t.exposeString("name", { description: "Official name, e.g. 市公安局." }),
  }),
});
