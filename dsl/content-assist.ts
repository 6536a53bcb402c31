/**
 * The keywords that may come next at a place in a `.regel` text, from the parser's own grammar
 * (Chevrotain's `computeContentAssist`), so an editor's completion never offers a word the parser
 * would reject and needs no second grammar. Used by the language server (`lsp/completion.ts`).
 *
 * As the parser does, the text is cut into declarations at the declaration keywords: only the
 * tokens of the declaration the cursor is in are given to the grammar, from its start rule
 * (`header` for `ruleset ...`, `declaration` otherwise).
 *
 * @module
 */
import { tokenMatcher, type IToken, type TokenType } from "chevrotain";
import { Identifier, Keyword, KW, tokenize } from "./lexer.js";
import {
  DECLARATION_WORDS,
  parserInstance,
  startsDeclaration,
} from "./parser.js";

const WORD_OF = new Map<TokenType, string>(
  Object.entries(KW).map(([word, type]) => [type, word]),
);

/**
 * The keywords valid at `offset` in `text`, sorted. A word the cursor is in the middle or at the
 * end of is the one being typed: it is left out of what precedes the cursor. At the start of a
 * line a new declaration may begin, so the declaration keywords are offered there too.
 */
export function keywordsAt(text: string, offset: number): string[] {
  const before = text.slice(0, offset);
  const tokens: IToken[] = tokenize(before, "").tokens;
  const last = tokens[tokens.length - 1];
  let typedFrom = offset;
  if (
    last !== undefined &&
    (last.endOffset ?? last.startOffset) + 1 === offset &&
    (tokenMatcher(last, Identifier) || tokenMatcher(last, Keyword))
  ) {
    tokens.pop();
    typedFrom = last.startOffset;
  }
  let start = 0;
  for (let i = tokens.length - 1; i > 0; i--) {
    if (startsDeclaration(tokens[i - 1], tokens[i], tokens[i + 1])) {
      start = i;
      break;
    }
  }
  const chunk = tokens.slice(start);
  const words = new Set<string>();
  const lineStart = before.lastIndexOf("\n") + 1;
  // At the start of a line (but for the word being typed) a new declaration may begin; the
  // header only in a file that has none yet.
  if (before.slice(lineStart, typedFrom).trim() === "" || chunk.length === 0)
    for (const w of DECLARATION_WORDS)
      if (w !== "ruleset" || tokens.length === 0) words.add(w);
  if (chunk.length > 0) {
    const rule = chunk[0].tokenType === KW.ruleset ? "header" : "declaration";
    const parser = parserInstance();
    try {
      for (const s of parser.computeContentAssist(rule, chunk)) {
        const word = WORD_OF.get(s.nextTokenType);
        if (word !== undefined) words.add(word);
      }
    } catch {
      // Text the grammar cannot follow at all: offer only what a new line may start with.
    }
  }
  return [...words].sort();
}
