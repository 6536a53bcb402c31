/**
 * The errors the embedding API throws for input the caller must fix: each one a class to catch
 * with `instanceof`, with a stable `code` (for code that may see both the ESM and the CommonJS
 * build of regel, where the classes differ) and a message that says what is wrong and what to do.
 *
 * @module
 */
import { closest, distance } from "fastest-levenshtein";
import { dateProblem, dateToDays } from "./calendar-date.js";

/** The stable codes of {@link RegelError}s. */
export type RegelErrorCode =
  | "REGEL_RULESET_LOAD"
  | "REGEL_UNKNOWN_RULESET"
  | "REGEL_UNKNOWN_ENTITY"
  | "REGEL_UNKNOWN_COLUMN"
  | "REGEL_INVALID_CELL"
  | "REGEL_INVALID_CHUNK"
  | "REGEL_INVALID_RRD"
  | "REGEL_INVALID_ARGUMENT"
  | "REGEL_LARGE_IKB"
  | "REGEL_RULESETS_NOT_FOUND"
  | "REGEL_STALE_RULESET"
  | "REGEL_INVALID_ROW"
  | "REGEL_AMBIGUOUS_FIELD";

/** Base class of regel's input errors: `code` says which one, `message` what to do. */
export class RegelError extends Error {
  /** Stable across versions and across the ESM and CommonJS builds. */
  readonly code: RegelErrorCode;
  constructor(code: RegelErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A compiled ruleset that cannot be loaded: missing, damaged, or not the ruleset its folder names. */
export class RulesetLoadError extends RegelError {
  constructor(message: string, code: RegelErrorCode = "REGEL_RULESET_LOAD") {
    super(code, message);
  }
}

/** A ruleset id (`name@version`) or name that no compiled ruleset has. */
export class UnknownRulesetError extends RulesetLoadError {
  /** The ruleset asked for. */
  readonly ruleset: string;
  /** The compiled rulesets that are there (`name@version`). */
  readonly available: readonly string[];
  constructor(ruleset: string, available: readonly string[], where: string) {
    super(
      available.length > 0
        ? `ruleset ${ruleset} is not compiled${hint(ruleset, available)}: the compiled rulesets in ${where} are ${available.join(", ")}`
        : `ruleset ${ruleset} is not compiled: ${where} holds no compiled ruleset (run \`regel compile\`, or name the folder that holds them)`,
      "REGEL_UNKNOWN_RULESET",
    );
    this.ruleset = ruleset;
    this.available = available;
  }
}

/**
 * The rulesets shipped with regel are not where regel looks for them: beside its own module
 * (`<package>/rulesets/compiled`), which an app bundled with regel inside (esbuild, rollup,
 * webpack) no longer is, or in the folder {@link RULESETS_ENV} names. The message says what to
 * pass instead.
 */
export class RulesetsNotFoundError extends RulesetLoadError {
  /** The folders looked in, in order. */
  readonly searched: readonly string[];
  constructor(why: string, searched: readonly string[]) {
    super(
      `${why}; regel finds its compiled rulesets beside its own module, which a bundled app (esbuild, rollup, webpack) moves: ` +
        `copy node_modules/regel/rulesets next to the app and name that folder, either with the option \`compiledRoot: "<folder>/compiled"\` ` +
        `(loadRuleset, validateFolder) or with the environment variable ${RULESETS_ENV}=<folder>`,
      "REGEL_RULESETS_NOT_FOUND",
    );
    this.searched = searched;
  }
}

/**
 * The environment variable naming the folder of the rulesets shipped with regel (a copy of
 * `node_modules/regel/rulesets`, holding `compiled/`), for an app in which regel cannot find
 * them beside its own module (a bundle).
 */
export const RULESETS_ENV = "REGEL_RULESETS";

/** An entity name that the ruleset's data model does not have. */
export class UnknownEntityError extends RegelError {
  readonly entity: string;
  /** The entity names of the ruleset. */
  readonly entities: readonly string[];
  constructor(entity: string, entities: readonly string[], ruleset: string) {
    super(
      "REGEL_UNKNOWN_ENTITY",
      `unknown entity ${JSON.stringify(entity)}${hint(entity, entities)} in ${ruleset}: use one of ${entities.join(", ")}`,
    );
    this.entity = entity;
    this.entities = entities;
  }
}

/** A row given by column name with a name that is no column (nor field) of the entity. */
export class UnknownColumnError extends RegelError {
  readonly entity: string;
  readonly column: string;
  /** 1-based position of the row in the input. */
  readonly row: number;
  constructor(
    entity: string,
    column: string,
    row: number,
    columns: readonly string[],
  ) {
    super(
      "REGEL_UNKNOWN_COLUMN",
      `row ${row} of ${entity}: unknown column ${JSON.stringify(column)}${hint(column, columns)}; the columns of ${entity} are ${columns.join(", ")}`,
    );
    this.entity = entity;
    this.column = column;
    this.row = row;
  }
}

/** A cell that is not text: rows carry CSV text, decoded as the data model says. */
export class InvalidCellError extends RegelError {
  readonly entity: string;
  readonly column: string;
  readonly row: number;
  constructor(entity: string, column: string, row: number, value: unknown) {
    super(
      "REGEL_INVALID_CELL",
      `row ${row} of ${entity}, column ${column}: ${describeValue(value)} is not text; pass every cell as its CSV text (e.g. String(value), a date as YYYY-MM-DD), or leave it out / undefined / null when it is empty`,
    );
    this.entity = entity;
    this.column = column;
    this.row = row;
  }
}

/**
 * A row (validateRecords, validateIkbs) that is not a row of cells: not an object or array (a
 * string, a number, null), a `Map`, or an object whose cells would not be read because they are
 * not its own properties (getters of a class, fields of the prototype of `Object.create(proto)`).
 * Read as a row of its own properties, it would pass as a row of empty cells.
 */
export class InvalidRowError extends RegelError {
  readonly entity: string;
  /** 1-based position of the row in the input. */
  readonly row: number;
  constructor(entity: string, row: number, problem: string) {
    super(
      "REGEL_INVALID_ROW",
      `row ${row} of ${entity}: ${problem}; give each row as a plain object of its cells ({ column: text }, e.g. parsed JSON or Object.fromEntries(map)) or an array of cells in field order`,
    );
    this.entity = entity;
    this.row = row;
  }
}

/**
 * A row that gives one field under both its field name and its CSV column name, with different
 * cells: either could be meant. The same cell under both names is accepted.
 */
export class AmbiguousFieldError extends RegelError {
  readonly entity: string;
  /** The field's name (`reliability`). */
  readonly field: string;
  /** The field's CSV column name (`reliability_indicator_code`). */
  readonly column: string;
  /** 1-based position of the row in the input. */
  readonly row: number;
  constructor(entity: string, field: string, column: string, row: number) {
    super(
      "REGEL_AMBIGUOUS_FIELD",
      `row ${row} of ${entity}: ${entity}.${field} is given twice, as ${JSON.stringify(field)} and as its column ${JSON.stringify(column)}, with different cells; give it under one of the two names`,
    );
    this.entity = entity;
    this.field = field;
    this.column = column;
    this.row = row;
  }
}

/**
 * A chunk of a CSV source (validateCsv) that is neither text nor bytes: e.g. a row object from a
 * stream in object mode, whose chunks would otherwise be skipped and nothing validated.
 */
export class InvalidChunkError extends RegelError {
  readonly entity: string;
  /** 1-based position of the chunk in the source. */
  readonly chunk: number;
  constructor(entity: string, chunk: number, value: unknown) {
    super(
      "REGEL_INVALID_CHUNK",
      `chunk ${chunk} of the ${entity} CSV source is ${describeValue(value)}, not text or bytes: give the CSV as string or Uint8Array chunks (a file stream not in object mode, a fetch body); validate rows already parsed with validateRecords`,
    );
    this.entity = entity;
    this.chunk = chunk;
  }
}

/** A reporting reference date that is not a real YYYY-MM-DD date (or none). */
export class InvalidRrdError extends RegelError {
  constructor(rrd: unknown) {
    const problem =
      typeof rrd === "string" ? `${dateProblem(rrd) ?? "not a date"}; ` : "";
    super(
      "REGEL_INVALID_RRD",
      `invalid RRD ${JSON.stringify(rrd)}: ${problem}give the reporting reference date as YYYY-MM-DD, e.g. "2024-03-31"`,
    );
  }
}

/**
 * The reporting reference date as days since 1970-01-01: the one check of an RRD given to the
 * API (validateRecords & co., validateFolder, validateDelivery, loadRuleset / selectRuleset).
 *
 * @throws InvalidRrdError when `rrd` is not a `YYYY-MM-DD` calendar day (or not text at all)
 */
export function rrdToDays(rrd: unknown): number {
  const days = typeof rrd === "string" ? dateToDays(rrd) : NaN;
  if (Number.isNaN(days)) throw new InvalidRrdError(rrd);
  return days;
}

/**
 * A value `validateFolder` / `validateDelivery` cannot run with, as `regel validate` refuses the
 * same value of its flag (exit 2): a delivery folder that is not a folder, an option out of range.
 */
export class InvalidArgumentError extends RegelError {
  /** `folder`, or the option's name (`threads`, `maxSamples`, …). */
  readonly argument: string;
  constructor(argument: string, value: unknown, problem: string) {
    super("REGEL_INVALID_ARGUMENT", `${argument} ${shown(value)}: ${problem}`);
    this.argument = argument;
  }
}

/**
 * An IKB of more rows than a run holds in memory at once (`maxIkbRows`): the delivery most likely
 * wrote one IKB key for the rows of many depositors. The run stops with the same message whichever
 * thread met the IKB.
 */
export class IkbTooLargeError extends RegelError {
  constructor(message: string) {
    super("REGEL_LARGE_IKB", message);
  }
}

/**
 * The input error a worker thread's `error` stands for, as the main thread would have thrown it
 * (a worker's error comes over as a plain `Error` with its own properties, `code` among them);
 * undefined for any other error.
 */
export function inputErrorOf(error: Error): RegelError | undefined {
  return (error as { code?: unknown }).code === "REGEL_LARGE_IKB"
    ? new IkbTooLargeError(error.message)
    : undefined;
}

/** ` (did you mean "x"?)` when a known name is close to `name`. */
function hint(name: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const best = closest(name, known as string[]);
  return distance(name.toLowerCase(), best.toLowerCase()) <=
    Math.max(1, Math.floor(name.length / 3))
    ? ` (did you mean ${JSON.stringify(best)}?)`
    : "";
}

/** A value as the caller wrote it: JSON for text and numbers, else its kind. */
function shown(value: unknown): string {
  return typeof value === "string" ||
    (typeof value === "number" && Number.isFinite(value))
    ? JSON.stringify(value)
    : describeValue(value);
}

/** What a value is, for a message: its kind, never its text (a cell may be personal data). */
export function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint")
    return `the ${typeof value} ${String(value)}`;
  if (typeof value === "boolean") return `the boolean ${String(value)}`;
  if (value instanceof Date) return "a Date";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  return `a value of type ${typeof value}`;
}
