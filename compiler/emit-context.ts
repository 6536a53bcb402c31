/**
 * State shared while emitting one module: hoisted module-level constants (deduplicated, named in
 * order of first use so output is deterministic), helper functions and compiler diagnostics. (The
 * prelude helpers a module needs are found in its code, see compiler/prelude.ts.)
 *
 * @module
 */
import type { Span } from "../dsl/ast.js";
import type { Diagnostic } from "../dsl/diagnostics.js";
import type { ResolvedRuleset } from "../dsl/model.js";
import { id, text, ts, type Code } from "./code.js";

/** Thrown to abandon one expression or rule; turned into a diagnostic by the caller. */
export class CompileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

export class ModuleContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Module-level `const` declarations, in order of first use. */
  readonly hoisted: Code[] = [];
  /** Helper functions (aggregates), in order of creation. */
  readonly helpers: Code[] = [];
  private readonly constNames = new Map<string, Code>();
  private counters = new Map<string, number>();

  constructor(readonly ruleset: ResolvedRuleset) {}

  /** A fresh internal name `$<prefix><n>`. */
  fresh(prefix: string): Code {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return internal(`${prefix}${n}`);
  }

  /** Hoist `init` to a module-level constant (once per distinct initialiser) and return its name. */
  hoist(prefix: string, init: Code, type?: Code): Code {
    const key = `${prefix}\u0000${text(init)}\u0000${type === undefined ? "" : text(type)}`;
    const existing = this.constNames.get(key);
    if (existing !== undefined) return existing;
    const name = this.fresh(prefix);
    this.hoisted.push(
      type === undefined
        ? ts`const ${name} = ${init};`
        : ts`const ${name}: ${type} = ${init};`,
    );
    this.constNames.set(key, name);
    return name;
  }

  /**
   * Hoist a module-level constant made by `declare` from its fresh name `$<prefix><n>`, once per
   * distinct `key` (for constants whose initialiser alone does not tell them apart, such as the
   * memo of an expression) and return its name.
   */
  hoistOnce(prefix: string, key: string, declare: (name: Code) => Code): Code {
    const k = `${prefix}\u0001${key}`;
    const existing = this.constNames.get(k);
    if (existing !== undefined) return existing;
    const name = this.fresh(prefix);
    this.hoisted.push(declare(name));
    this.constNames.set(k, name);
    return name;
  }

  error(code: string, message: string, span: Span): void {
    this.diagnostics.push({ code, severity: "error", message, span });
  }
}

/** Internal helper names start with `$`, which ruleset names cannot. */
export function internal(name: string): Code {
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`bad internal name ${name}`);
  return id(`$${name}`);
}
