// Entity resolution after ingest: the pass that resolves mentions against the registered population.
export { PASS_ACTOR, type PassOutcome, resolvePending } from "./pass.js";
