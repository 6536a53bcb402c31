/**
 * An aggregate's measure and filters as written (`sum BA.balance`, `proportion ikb in category
 * identity`): one text for `regel trace`, `regel diff`, the catalogue and the language server's
 * hover.
 *
 * @module
 */
import type { AggregateDecl } from "./ast.js";

/** The measure and filters of an aggregate as written. */
export function aggregateMeasureText(a: AggregateDecl): string {
  const m = a.measures[0];
  const what =
    m === undefined
      ? "(no measure)"
      : m.kind === "count-ikbs"
        ? "count ikb"
        : m.kind === "count-records"
          ? `count ${m.entity.name}`
          : m.kind === "sum"
            ? `sum ${m.attribute.entity.name}.${m.attribute.field.name}`
            : m.kind === "share-ikbs"
              ? "proportion ikb"
              : `count result ${m.rule.name}`;
  return [
    what,
    ...(a.category ? [`in category ${a.category.name}`] : []),
    ...(a.marking
      ? [
          `with ${a.marking.attribute.entity.name}.${a.marking.attribute.field.name} = ${JSON.stringify(a.marking.value.value)}`,
        ]
      : []),
  ].join(" ");
}
