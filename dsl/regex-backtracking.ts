/**
 * Patterns of `matches` that a value can make backtrack exponentially (REG350): a repetition that
 * holds another repetition of varying length, `(a+)+b`, tries every way of splitting a run of
 * `a`s between the two before it gives up on `aaaa…c`. A delivery's value is input from outside,
 * and the field limit (10,000 characters) is far more than the forty such a pattern needs to run
 * for hours; V8's linear-time fallback does not take the `u` patterns regel compiles (Node 20).
 *
 * The test is the usual one (nested repetition, "star height" above one), read on the pattern's
 * syntax tree (@eslint-community/regexpp), with one refinement that keeps the common safe form:
 * a repeated part that begins or ends with a character the inner repetition cannot match
 * (`( [a-z]+)*`, `(\d+,)*`) splits a value one way only. It finds the common cases, not every
 * pattern that backtracks badly (`(a|aa)+` repeats no repetition).
 *
 * @module
 */
import {
  RegExpParser,
  visitRegExpAST,
  type AST,
} from "@eslint-community/regexpp";

/** A pattern element that matches one character. */
type Atom =
  | AST.Character
  | AST.CharacterClass
  | AST.CharacterSet
  | AST.ExpressionCharacterClass;

function isAtom(node: AST.Node): node is Atom {
  return (
    node.type === "Character" ||
    node.type === "CharacterClass" ||
    node.type === "CharacterSet" ||
    node.type === "ExpressionCharacterClass"
  );
}

/** An element of a sequence, not one inside a character class. */
function inSequence(node: AST.Node): boolean {
  const up = node.parent?.type;
  return up === "Alternative" || up === "Quantifier";
}

/** A repetition that can match more than once, a varying number of times (`+`, `*`, `{1,3}`). */
function varies(q: AST.Quantifier): boolean {
  return q.max > 1 && q.min < q.max;
}

/**
 * A pattern matching one character that any atom of `node` matches; undefined when `node` holds a
 * back-reference (which can match what its group did: anything).
 */
function charactersOf(node: AST.Node): RegExp | undefined {
  const atoms: string[] = [];
  let backreference = false;
  const add = (n: Atom) => {
    if (inSequence(n)) atoms.push(n.raw);
  };
  visitRegExpAST(node, {
    onCharacterEnter: add,
    onCharacterClassEnter: add,
    onCharacterSetEnter: add,
    onExpressionCharacterClassEnter: add,
    onBackreferenceEnter: () => (backreference = true),
  });
  if (backreference) return undefined;
  return new RegExp(`^(?:${atoms.join("|")})$`, "u");
}

/** No character is matched by both `atom` and `characters`. */
function disjoint(atom: Atom, characters: RegExp): boolean {
  if (atom.type === "Character")
    return !characters.test(String.fromCodePoint(atom.value));
  // a class: every code point (this runs only for a pattern with nested repetition)
  const own = new RegExp(`^(?:${atom.raw})$`, "u");
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp === 0xd800) cp = 0xe000;
    const c = String.fromCodePoint(cp);
    if (own.test(c) && characters.test(c)) return false;
  }
  return true;
}

/**
 * The atoms that every match of the repeated `element` begins and ends with, when it is a group of
 * one sequence whose first or last element is an atom: what marks where one repetition ends.
 */
function boundaries(element: AST.QuantifiableElement): Atom[] {
  if (element.type !== "Group" && element.type !== "CapturingGroup") return [];
  if (element.alternatives.length !== 1) return [];
  const sequence = element.alternatives[0].elements;
  return [sequence[0], sequence[sequence.length - 1]].filter(
    (e): e is Atom => e !== undefined && isAtom(e),
  );
}

/** Whether the repetitions of `outer` can split a value between them in more than one way. */
function splitsAmbiguously(outer: AST.Quantifier): boolean {
  if (outer.max <= 1) return false;
  const marks = boundaries(outer.element);
  let ambiguous = false;
  visitRegExpAST(outer.element, {
    onQuantifierEnter(inner) {
      if (ambiguous || !varies(inner)) return;
      const characters = charactersOf(inner.element);
      ambiguous =
        characters === undefined ||
        !marks.some((mark) => disjoint(mark, characters));
    },
  });
  return ambiguous;
}

/**
 * The first repetition of `pattern` (read with the `u` flag, as compiled) that can match more than
 * once and holds a repetition of varying length it cannot tell apart from the next one, as
 * written (`(a+)+`); undefined when there is none, or when the pattern does not parse (REG307
 * reports that).
 */
export function nestedRepetition(pattern: string): string | undefined {
  // the language server checks a file at every keystroke; a class's test reads every code point
  if (!seen.has(pattern)) seen.set(pattern, findNestedRepetition(pattern));
  return seen.get(pattern);
}

const seen = new Map<string, string | undefined>();

function findNestedRepetition(pattern: string): string | undefined {
  let tree: AST.Pattern;
  try {
    tree = new RegExpParser().parsePattern(pattern, 0, pattern.length, {
      unicode: true,
    });
  } catch {
    return undefined;
  }
  let found: string | undefined;
  visitRegExpAST(tree, {
    onQuantifierEnter(outer) {
      if (found === undefined && splitsAmbiguously(outer)) found = outer.raw;
    },
  });
  return found;
}
