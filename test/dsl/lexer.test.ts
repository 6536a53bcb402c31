import { describe, expect, it } from "vitest";
import { decodeString, KEYWORDS, tokenize } from "../../dsl/lexer.js";

/** `Type:image` for each token. */
function lex(text: string): string[] {
  return tokenize(text, "l.regel").tokens.map(
    (t) => `${t.tokenType.name}:${t.image}`,
  );
}

describe("tokens", () => {
  it("numbers: datetime, date, version, decimal, article number, integer", () => {
    expect(
      lex(
        "2024-03-01T10:00:00Z 2024-03-01T10:00+01:00 2024-03-01T10:00:00.123-05:30 2023-07-01 1.3.0 1.3.0-rc.1 10000.00 26a 3",
      ),
    ).toEqual([
      "DateTimeLit:2024-03-01T10:00:00Z",
      "DateTimeLit:2024-03-01T10:00+01:00",
      "DateTimeLit:2024-03-01T10:00:00.123-05:30",
      "DateLit:2023-07-01",
      "VersionLit:1.3.0",
      "VersionLit:1.3.0-rc.1",
      "DecimalLit:10000.00",
      "ArticleNumber:26a",
      "IntegerLit:3",
    ]);
  });

  it("an impossible date is still a date (the checker reports it)", () => {
    const r = tokenize("2023-02-30", "l.regel");
    expect(r.tokens.map((t) => t.tokenType.name)).toEqual(["DateLit"]);
    expect(r.diagnostics).toEqual([]);
  });

  it("keywords are whole words: identifiers that start or end with one stay identifiers", () => {
    expect(
      lex(
        "file fileName extends extend columns column rules in index valid validity _rule rule_",
      ),
    ).toEqual([
      "Kw_file:file",
      "Identifier:fileName",
      "Kw_extends:extends",
      "Kw_extend:extend",
      "Kw_columns:columns",
      "Kw_column:column",
      "Identifier:rules",
      "Kw_in:in",
      "Identifier:index",
      "Kw_valid:valid",
      "Identifier:validity",
      "Identifier:_rule",
      "Identifier:rule_",
    ]);
  });

  it("every reserved word of the language reference is a keyword", () => {
    for (const word of new Set(KEYWORDS))
      expect(lex(word)).toEqual([`Kw_${word}:${word}`]);
    // Units, month names and role letters are ordinary identifiers.
    for (const word of [
      "s",
      "min",
      "h",
      "days",
      "workdays",
      "months",
      "years",
      "april",
      "D",
      "V",
      "text",
      "code",
      "ref",
      "header",
      "unique",
    ]) {
      expect(lex(word)).toEqual([`Identifier:${word}`]);
    }
  });

  it("punctuation, longest first", () => {
    expect(
      lex("( ) { } , : . @ % * = != < <= > >= + - /").map(
        (t) => t.split(":")[0],
      ),
    ).toEqual([
      "LParen",
      "RParen",
      "LBrace",
      "RBrace",
      "Comma",
      "Colon",
      "Dot",
      "At",
      "Percent",
      "Star",
      "Equals",
      "NotEquals",
      "Less",
      "LessEq",
      "Greater",
      "GreaterEq",
      "Plus",
      "Minus",
      "Slash",
    ]);
    expect(lex("a<=b")).toEqual(["Identifier:a", "LessEq:<=", "Identifier:b"]);
    expect(lex("NP.*")).toEqual(["Identifier:NP", "Dot:.", "Star:*"]);
  });

  it("positions are 1-based lines and columns, across LF, CRLF and CR", () => {
    for (const nl of ["\n", "\r\n", "\r"]) {
      const r = tokenize(`rule${nl}  x${nl}${nl}"y"`, "l.regel");
      expect(
        r.tokens.map((t) => [t.image, t.startLine, t.startColumn]),
      ).toEqual([
        ["rule", 1, 1],
        ["x", 2, 3],
        ['"y"', 4, 1],
      ]);
    }
  });
});

describe("strings", () => {
  it("decodes the escapes of the language reference", () => {
    expect(decodeString('"plain"')).toBe("plain");
    expect(decodeString('"a\\"b\\\\c\\nd\\te"')).toBe('a"b\\c\nd\te');
    expect(decodeString('"\\u{1F600} \\u{e9}"')).toBe("😀 é");
    expect(decodeString('"//not a comment"')).toBe("//not a comment");
  });

  it("a string may hold `//` without starting a comment", () => {
    const r = tokenize('"https://www.dnb.nl/" // real comment', "l.regel");
    expect(r.tokens.map((t) => t.image)).toEqual(['"https://www.dnb.nl/"']);
    expect(r.comments.map((c) => c.text)).toEqual(["real comment"]);
  });

  it("REG102: an unterminated string runs to the end of its line and is still a string", () => {
    const r = tokenize('x "open\ny', "l.regel");
    expect(r.tokens.map((t) => t.image)).toEqual(["x", '"open', "y"]);
    expect(
      r.diagnostics.map((d) => [
        d.code,
        d.span.start.line,
        d.span.start.column,
        d.span.end.column,
      ]),
    ).toEqual([["REG102", 1, 3, 8]]);
    expect(decodeString('"open')).toBe("open");
  });

  it("REG103: each invalid escape is reported at its backslash", () => {
    const r = tokenize('"a\\qb\\u{110000}c\\u{41}"', "l.regel");
    expect(
      r.diagnostics.map((d) => [
        d.code,
        d.span.start.column,
        d.span.end.column,
      ]),
    ).toEqual([
      ["REG103", 3, 5],
      ["REG103", 6, 16],
    ]);
    expect(decodeString('"a\\qb"')).toBe("a\\qb");
  });
});

describe("comments", () => {
  it("keeps `//` and `///` comments in a group with exact spans", () => {
    const text = "/// doc\nrule // note\n  ///indented doc   \n//\n";
    const r = tokenize(text, "l.regel");
    expect(r.tokens.map((t) => t.image)).toEqual(["rule"]);
    expect(
      r.comments.map((c) => [
        c.doc,
        c.text,
        text.slice(c.span.start.offset, c.span.end.offset),
        c.span.start.line,
        c.span.start.column,
      ]),
    ).toEqual([
      [true, "doc", "/// doc", 1, 1],
      [false, "note", "// note", 2, 6],
      [true, "indented doc", "///indented doc   ", 3, 3],
      [false, "", "//", 4, 1],
    ]);
    expect(r.comments[1].span.end).toEqual({ offset: 20, line: 2, column: 13 });
  });
});

describe("bidirectional control characters (trojan source)", () => {
  /** [code, severity, line, column, end column] of each diagnostic. */
  const where = (text: string) =>
    tokenize(text, "b.regel").diagnostics.map((d) => [
      d.code,
      d.severity,
      d.span.start.line,
      d.span.start.column,
      d.span.end.column,
    ]);

  it("REG104: every one of them in a quoted text, a comment or a doc comment is a warning at its place", () => {
    const controls = [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
      0x200e, 0x200f, 0x061c,
    ];
    for (const cp of controls) {
      const c = String.fromCharCode(cp);
      expect(where(`x "a${c}b"\n// n${c}\n/// d${c}${c}\n`)).toEqual([
        ["REG104", "warning", 1, 5, 6],
        ["REG104", "warning", 2, 5, 6],
        ["REG104", "warning", 3, 6, 8],
      ]);
    }
  });

  it("names the characters and says how to write one that is meant", () => {
    const [d] = tokenize('"\u202E\u2066x"', "b.regel").diagnostics;
    expect(d.message).toContain(
      "bidirectional control characters U+202E (RIGHT-TO-LEFT OVERRIDE), U+2066 (LEFT-TO-RIGHT ISOLATE) in a quoted text",
    );
    expect(d.message).toContain("write `\\u{202E}\\u{2066}`");
  });

  it("written as an escape they are visible, so no warning; in code they are unexpected characters (REG101)", () => {
    expect(where('"a\\u{202E}b"')).toEqual([]);
    const r = tokenize("rule r\u202E1", "b.regel");
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "REG101",
        "error",
        "unexpected character `U+202E (RIGHT-TO-LEFT OVERRIDE)`",
      ],
    ]);
  });
});

describe("lexical errors", () => {
  it("REG101: unexpected characters are skipped and reported with their position", () => {
    const r = tokenize("rule # x\n  ; [y]", "l.regel");
    expect(r.tokens.map((t) => t.image)).toEqual(["rule", "x", "y"]);
    expect(
      r.diagnostics.map((d) => [
        d.code,
        d.message,
        d.span.start.line,
        d.span.start.column,
      ]),
    ).toEqual([
      ["REG101", "unexpected character `#`", 1, 6],
      ["REG101", "unexpected character `;`", 2, 3],
      ["REG101", "unexpected character `[`", 2, 5],
      ["REG101", "unexpected character `]`", 2, 7],
    ]);
  });

  it("never throws, whatever the input", () => {
    for (const text of [
      "",
      "\u0000",
      '"\\',
      "\\",
      "\uD800",
      "é",
      "😀😀",
      "/",
      "///",
      "1.2.3.4.5",
      "--",
      "1e5",
    ]) {
      expect(() => tokenize(text, "l.regel")).not.toThrow();
    }
  });
});

describe("garbage input", () => {
  it("reports a run of unknown characters once and stays fast on a large run", () => {
    const r = tokenize("rule ### ¤¤ x", "l.regel");
    expect(r.tokens.map((t) => t.image)).toEqual(["rule", "x"]);
    expect(
      r.diagnostics.map((d) => [
        d.code,
        d.message,
        d.span.start.column,
        d.span.end.column,
      ]),
    ).toEqual([
      ["REG101", "unexpected characters `###`", 6, 9],
      ["REG101", "unexpected characters `¤¤`", 10, 12],
    ]);
    let garbage = "";
    for (let i = 0; i < 300_000; i++)
      garbage += String.fromCharCode(0x100 + ((i * 7919) % 0x1e00));
    const t0 = performance.now();
    const big = tokenize(garbage, "g.regel");
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(big.diagnostics.length).toBeGreaterThan(0);
    expect(big.diagnostics.every((d) => d.code === "REG101")).toBe(true);
  });
});
