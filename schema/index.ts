// Assemble the schema: one builder, one small file per type, the field policy applied last.
import type { GraphQLSchema } from "graphql";
import { builder } from "./builder.js";
import { describeStructure } from "./descriptions.js";
import { applyFieldPolicy } from "./field-policy.js";
import "./types/address.js";
import "./types/alerts.js";
import "./types/area.js";
import "./types/audit.js";
import "./types/connector.js";
import "./types/data-quality.js";
import "./types/department.js";
import "./types/event.js";
import "./types/event-kinds.js";
import "./types/organisation.js";
import "./types/organisation-registry.js";
import "./types/person.js";
import "./types/post.js";
import "./types/provenance.js";
import "./types/search.js";
import "./types/stability-index.js";
import "./types/subscriptions.js";
import "./types/resolution.js";
import "./types/resolution-pass.js";
import "./types/system.js";
import "./types/workflow.js";

builder.queryType({
  description: "Read the graph of person, place, event and organisation (人、地、事、组织).",
});
builder.mutationType({ description: "Change the graph; every change is published to subscribers." });
builder.subscriptionType({
  description: "Live changes and signals, over graphql-ws on the same /graphql path.",
});

let schema: GraphQLSchema | null = null;

/** The hub's schema (built once per process; the builder is a module singleton). */
export function buildSchema(): GraphQLSchema {
  schema ??= applyFieldPolicy(describeStructure(builder.toSchema({ sortSchema: true })));
  return schema;
}

export type { Context } from "./context.js";
