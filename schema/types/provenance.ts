// Provenance (来源): which department record versions assert an element. Row-level only: which
// record says which attribute value is the entity-resolution view's concern.
import { builder } from "../builder.js";

export interface ProvenanceShape {
  connectorId: string;
  /** The department that owns the source: decides who may know the record exists. */
  departmentCode: string;
  sourceKey: string;
  fetchedAt: Date;
  method: string;
}

export const Provenance = builder.objectRef<ProvenanceShape>("Provenance").implement({
  description: "A source record version that asserts (part of) an element: who says so.",
  fields: (t) => ({
    connectorId: t.exposeString("connectorId", {
      description: "The connector that fetched it, e.g. hotline-12345.",
    }),
    connector: t.exposeString("connectorId", {
      description: "The connector that fetched it.",
      deprecationReason: "Use connectorId.",
    }),
    departmentCode: t.exposeString("departmentCode", {
      description: "The department that owns the source, e.g. petition.",
    }),
    sourceKey: t.exposeString("sourceKey", { description: "The record's key in its source system." }),
    fetchedAt: t.expose("fetchedAt", {
      type: "DateTime",
      description: "When the hub fetched this version.",
    }),
    method: t.exposeString("method", {
      description:
        "How it was linked: SAME_SOURCE, EXACT_KEY, NEW, PROBABILISTIC, RESOLUTION_PASS (after a load, against the whole population), MANUAL.",
    }),
  }),
});
