/**
 * Rules that read the previous delivery (T−1): `previous.f` is field `f` of the record with the
 * same key as the record under test in the bank's previous delivery, and `previous is
 * present|absent` tests whether that record exists (docs/language.md § The previous delivery).
 * `previous` is a keyword, so no entity or field can carry the name and a syntactic test is
 * exact: the checker, the compiler, the interpreter and the runtime all ask this one function.
 *
 * @module
 */
import type { Expr, PathExpr, RuleDecl } from "./ast.js";

/** The word that names the record in T−1. */
export const PREVIOUS = "previous";

/** `previous.f` (a field of the record in T−1). */
export function isPreviousField(p: PathExpr): boolean {
  return p.entity != null && p.entity.name === PREVIOUS;
}

/** `previous` alone (the record in T−1, for `previous is present|absent`). */
export function isPreviousRecord(p: PathExpr): boolean {
  return p.entity == null && p.name != null && p.name.name === PREVIOUS;
}

/**
 * Whether `test` holds for `e` or for an expression inside it (operands, arguments, an
 * aggregate's value and `where`, the branches of `if`).
 */
function anyExpr(
  e: Expr | undefined | null,
  test: (x: Expr) => boolean,
): boolean {
  if (e == null) return false;
  if (test(e)) return true;
  const inner = (x: Expr | undefined | null): boolean => anyExpr(x, test);
  switch (e.kind) {
    case "Unary":
      return inner(e.operand);
    case "Binary":
      return inner(e.left) || inner(e.right);
    case "Is":
    case "In":
    case "Matches":
      return inner(e.operand);
    case "Call":
      return (e.args ?? []).some(inner);
    case "Aggregate":
      return inner(e.value) || inner(e.where);
    case "If":
      return inner(e.condition) || inner(e.then) || inner(e.otherwise);
    default:
      return false;
  }
}

/** Whether an expression names `previous` anywhere. */
export function exprReadsPrevious(e: Expr | undefined | null): boolean {
  return anyExpr(
    e,
    (x) => x.kind === "Path" && (isPreviousField(x) || isPreviousRecord(x)),
  );
}

/**
 * `for previous E`: a rule on the records of E in the previous delivery (T−1) that checks they are
 * still delivered (docs/language.md, "Accounts that disappear").
 */
export function isGoneRule(decl: RuleDecl): boolean {
  return decl.target?.kind === "RecordTarget" && decl.target.previous === true;
}

/** Whether an expression holds `exists`, `count` or `sum` anywhere. */
export function exprHasAggregate(e: Expr | undefined | null): boolean {
  return anyExpr(e, (x) => x.kind === "Aggregate");
}

/**
 * Whether a rule reads the previous delivery: its `when` or `require` names `previous`, or it runs
 * on the records of T−1 (`for previous E`). Such a rule is checked only when a previous delivery
 * is given; without one it is "not evaluated".
 */
export function readsPrevious(decl: RuleDecl): boolean {
  const req = decl.require;
  return (
    isGoneRule(decl) ||
    exprReadsPrevious(decl.when) ||
    (req != null && req.kind !== "FileCheck" && exprReadsPrevious(req as Expr))
  );
}
