/**
 * The rules that read the previous delivery (T−1), from the trace: what every run's report says
 * of them, with or without T−1 (runtime/previous-delivery.ts reads T−1 itself, and is loaded
 * only by a run that is given one).
 *
 * @module
 */
import type { CompiledRuleset } from "../compiler/contract.js";

/** The reason given for every rule that reads `previous` when no previous delivery is given. */
export const NOT_EVALUATED_REASON =
  "the rule reads the previous delivery (T−1) and none was given (regel validate --previous DIR)";

/** The codes of the rules that read `previous`, and the entities they are on, from the trace. */
export function previousRules(rs: CompiledRuleset): {
  codes: string[];
  entities: string[];
} {
  const rules = rs.trace.filter((t) => t.previous === true);
  const entities = new Set(rules.flatMap((t) => t.entities));
  return {
    codes: rules.map((t) => t.code),
    entities: rs.entities
      .filter((e) => entities.has(e.name) && e.file !== undefined)
      .map((e) => e.name),
  };
}
