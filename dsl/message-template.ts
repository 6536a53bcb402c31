/**
 * The placeholders of a rule's `message` (its title when it has none): `{attribute}`, `{value}`
 * and `{field}`, each optionally `|masked` (`{value|masked}`): shown as `***` when the field is
 * personal. Personal data never appears in a message: the checker refuses an unmasked placeholder
 * of a personal field (REG230), and the compiler and the reference interpreter render every
 * placeholder of a personal field masked anyway. One reading of the syntax for all three.
 *
 * @module
 */

/** One `{...}` in a message. */
export interface Placeholder {
  /** The text as written, braces included. */
  whole: string;
  /** Offset of the opening brace in the template. */
  index: number;
  /** `attribute`, `value` or a field name (trimmed; `|masked` removed). */
  name: string;
  /** Written as `{name|masked}`. */
  masked: boolean;
}

/** Every `{...}` of a template, in order. Braces that hold braces are not placeholders. */
export function placeholders(template: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    const masked = /\|\s*masked\s*$/.exec(m[1]);
    out.push({
      whole: m[0],
      index: m.index,
      name: (masked ? m[1].slice(0, masked.index) : m[1]).trim(),
      masked: masked !== null,
    });
  }
  return out;
}
