/**
 * Document symbols (the outline): the ruleset header with its sources, then every declaration
 * of the file in order, an entity with its fields and a code list with its values as children.
 * Read from the parse alone, so the outline stays while the file has type errors.
 *
 * @module
 */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { Declaration, RegelFile, Span } from "../dsl/index.js";
import { toRange } from "./positions.js";

/** The outline of a parsed file. */
export function documentSymbols(file: RegelFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const h = file.header;
  if (h !== undefined)
    out.push(
      symbol(
        `${h.ref.name}@${h.ref.version}`,
        SymbolKind.Package,
        h.span,
        h.ref.span,
        h.title,
        [
          ...h.sources.map((s) =>
            symbol(
              s.alias.name,
              SymbolKind.Module,
              s.span,
              s.alias.span,
              s.title,
            ),
          ),
        ],
      ),
    );
  for (const d of file.declarations) {
    const s = declarationSymbol(d);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function declarationSymbol(d: Declaration): DocumentSymbol | undefined {
  switch (d.kind) {
    case "Entity":
    case "ExtendEntity":
      return symbol(
        d.kind === "Entity" ? d.name.name : `extend ${d.name.name}`,
        SymbolKind.Class,
        d.span,
        d.name.span,
        d.kind === "Entity" ? d.title : undefined,
        d.fields.map((f) =>
          symbol(
            f.name.name,
            SymbolKind.Field,
            f.span,
            f.name.span,
            f.description,
          ),
        ),
      );
    case "CodeList":
      return symbol(
        d.name.name,
        SymbolKind.Enum,
        d.span,
        d.name.span,
        d.title,
        d.values.map((v) =>
          symbol(v.code, SymbolKind.EnumMember, v.span, v.span, v.description),
        ),
      );
    case "Rule":
      return symbol(
        d.code.name,
        SymbolKind.Function,
        d.span,
        d.code.span,
        d.title,
      );
    case "Category":
      return symbol(
        d.name.name,
        SymbolKind.Namespace,
        d.span,
        d.name.span,
        d.title,
      );
    case "ExtendCategory":
      return symbol(
        `extend ${d.name.name}`,
        SymbolKind.Namespace,
        d.span,
        d.name.span,
      );
    case "ExtendCodeList":
      return symbol(
        `extend ${d.name.name}`,
        SymbolKind.Enum,
        d.span,
        d.name.span,
        undefined,
        d.values.map((v) =>
          symbol(v.code, SymbolKind.EnumMember, v.span, v.span, v.description),
        ),
      );
    case "Ikb":
      return symbol("ikb", SymbolKind.Struct, d.span, d.key.span, d.title);
    case "Remove":
      return symbol(
        `remove ${d.name.name}`,
        SymbolKind.Null,
        d.span,
        d.name.span,
      );
    case "Payout":
    case "Measure":
      return symbol(
        d.name.name,
        SymbolKind.Event,
        d.span,
        d.name.span,
        d.title,
      );
    case "Metric":
      return symbol(
        d.name.name,
        SymbolKind.Property,
        d.span,
        d.name.span,
        d.description,
      );
    case "Norm":
    case "Calendar":
    case "Aggregate":
    case "Reconcile":
      return symbol(
        d.name.name,
        SymbolKind.Object,
        d.span,
        d.name.span,
        d.title,
      );
  }
}

function symbol(
  name: string,
  kind: SymbolKind,
  span: Span,
  selection: Span,
  detail?: string,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const range = toRange(span);
  // The selection must lie inside the range; a recovered node may lack a real name span.
  const inside =
    selection.start.offset >= span.start.offset &&
    selection.end.offset <= span.end.offset;
  return {
    name: name === "" ? "(unnamed)" : name,
    kind,
    range,
    selectionRange: inside ? toRange(selection) : range,
    ...(detail === undefined ? {} : { detail }),
    ...(children === undefined || children.length === 0 ? {} : { children }),
  };
}
