/**
 * Diagnostics: every problem the front end finds, with a stable code, a message an analyst
 * understands, a source span, and where possible a suggestion. Codes are documented in
 * `docs/diagnostics.md`; the `REG1xx` range belongs to the lexer and parser, `REG2xx` to name
 * resolution and versions, `REG3xx` to types and expressions, `REG4xx` to examples.
 *
 * @module
 */
import { distance } from "fastest-levenshtein";
import type { Span } from "./ast.js";

/** An error stops compiling; a warning does not. */
export type DiagnosticSeverity = "error" | "warning";

/** A problem found in a ruleset: a stable code, a message, where, and maybe a suggestion. */
export interface Diagnostic {
  /** Stable code, e.g. `REG201`. */
  code: string;
  severity: DiagnosticSeverity;
  message: string;
  span: Span;
  /** A replacement to offer, e.g. the correctly spelt name. */
  suggestion?: string;
  /** Extra lines: "first declared here", "expected one of ...". */
  notes?: string[];
}

/** Build an error diagnostic. */
export function error(
  code: string,
  message: string,
  span: Span,
  extra: Partial<Diagnostic> = {},
): Diagnostic {
  return { code, severity: "error", message, span, ...extra };
}

/**
 * The closest candidate to a misspelt name, or undefined when nothing is close enough.
 * Close enough: edit distance at most a third of the name's length (at least 1), case ignored.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (
      d < bestDistance ||
      (d === bestDistance && best !== undefined && candidate < best)
    ) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Sort diagnostics so that causes come before their consequences (docs/diagnostics.md § The
 * order of diagnostics), a stable order for output and tests:
 *
 * 1. by file: the files in `fileOrder` first, in that order (a project gives its files with each
 *    one after the versions it `extends` or `uses`, whose problems can cause its own), then the
 *    others by path;
 * 2. within a file, what the lexer and parser found (`REG1xx`) before what the checker found: a
 *    clause the parser could not read is why the checker misses it;
 * 3. then by position, then by code.
 */
export function sortDiagnostics(
  diagnostics: readonly Diagnostic[],
  fileOrder: readonly string[] = [],
): Diagnostic[] {
  const rank = new Map(fileOrder.map((f, i) => [f, i]));
  const fileRank = (d: Diagnostic) => rank.get(d.span.file) ?? rank.size;
  const stage = (d: Diagnostic) => (d.code.startsWith("REG1") ? 0 : 1);
  return [...diagnostics].sort(
    (a, b) =>
      fileRank(a) - fileRank(b) ||
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      stage(a) - stage(b) ||
      a.span.start.offset - b.span.start.offset ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/**
 * The files in cause-first order: each after the files that declare what it `extends` or
 * `uses`, otherwise in path order.
 */
export function causeOrder(
  files: readonly {
    path: string;
    header?:
      | {
          ref: { name: string; version: string };
          extends?: { name: string; version: string };
          uses?: readonly ({ name: string; version: string } | undefined)[];
        }
      | undefined;
  }[],
): string[] {
  const byId = new Map<string, string>();
  const paths = files.map((f) => f.path).sort();
  const deps = new Map<string, string[]>();
  for (const f of files) {
    const h = f.header;
    if (h?.ref?.name && !byId.has(`${h.ref.name}@${h.ref.version}`))
      byId.set(`${h.ref.name}@${h.ref.version}`, f.path);
  }
  for (const f of files) {
    const h = f.header;
    const refs = [h?.extends, ...(h?.uses ?? [])];
    deps.set(
      f.path,
      refs
        .map((r) => (r ? byId.get(`${r.name}@${r.version}`) : undefined))
        .filter((p): p is string => p !== undefined && p !== f.path)
        .sort(),
    );
  }
  // Files in a cycle (REG213) cause each other: no order between them but the path order.
  const component = stronglyConnected(paths, deps);
  for (const [path, ds] of deps)
    deps.set(
      path,
      ds.filter((d) => component.get(d) !== component.get(path)),
    );
  const out: string[] = [];
  const placed = new Set<string>();
  // Iterative depth-first walk: no recursion, so a long chain cannot overflow the stack.
  for (const root of paths) {
    const stack: { path: string; next: number }[] = [{ path: root, next: 0 }];
    const onStack = new Set([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (placed.has(top.path)) {
        stack.pop();
        onStack.delete(top.path);
        continue;
      }
      const ds = deps.get(top.path) ?? [];
      if (top.next < ds.length) {
        const d = ds[top.next++];
        if (!placed.has(d) && !onStack.has(d)) {
          stack.push({ path: d, next: 0 });
          onStack.add(d);
        }
        continue;
      }
      placed.add(top.path);
      out.push(top.path);
      stack.pop();
      onStack.delete(top.path);
    }
  }
  return out;
}

/**
 * Render a diagnostic for a terminal:
 *
 * ```text
 * rulesets/x.regel:12:7: error REG201: unknown field `date_of_brith`
 *    11 |   for NP
 *    12 |   require date_of_brith is present
 *       |           ^^^^^^^^^^^^^
 *    13 |   example fail NP { }
 *   help: did you mean `date_of_birth`?
 * ```
 */
export function formatDiagnostic(
  diagnostic: Diagnostic,
  sourceText: string | undefined,
): string {
  const { span } = diagnostic;
  const head = `${span.file}:${span.start.line}:${span.start.column}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`;
  const lines = [head];
  if (sourceText !== undefined) lines.push(...codeFrame(sourceText, span));
  for (const note of diagnostic.notes ?? []) lines.push(`  note: ${note}`);
  if (diagnostic.suggestion !== undefined)
    lines.push(`  help: did you mean \`${diagnostic.suggestion}\`?`);
  return lines.join("\n");
}

/** The lines around a span with a caret underline below the first line of the span. */
export function codeFrame(
  sourceText: string,
  span: Span,
  context = 1,
): string[] {
  const sourceLines = sourceText.split(/\r\n|\n|\r/);
  const first = Math.max(1, span.start.line - context);
  const last = Math.min(sourceLines.length, span.start.line + context);
  const width = String(last).length + 2;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (sourceLines[n - 1] ?? "").replace(/\t/g, " ");
    out.push(`${String(n).padStart(width)} | ${text}`);
    if (n === span.start.line) {
      const startCol = Math.max(1, span.start.column);
      const endCol =
        span.end.line === span.start.line
          ? Math.max(span.end.column, startCol + 1)
          : text.length + 1;
      const length = Math.max(1, Math.min(endCol, text.length + 1) - startCol);
      out.push(
        `${" ".repeat(width)} | ${" ".repeat(startCol - 1)}${"^".repeat(length)}`,
      );
    }
  }
  return out;
}

/** Tarjan's strongly connected components, without recursion: path → component number. */
function stronglyConnected(
  nodes: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const d = out[frame.next++];
        if (!index.has(d)) {
          index.set(d, counter);
          low.set(d, counter++);
          stack.push(d);
          onStack.add(d);
          work.push({ node: d, next: 0 });
        } else if (onStack.has(d))
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(d)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.set(w, components);
        } while (w !== frame.node);
        components++;
      }
    }
  }
  return component;
}
