/**
 * Checks a JSON report read back from disk (`regel record`) against the report's JSON Schema,
 * `docs/report-schema.json`, so that a damaged or hand-edited report is refused with what is
 * wrong and where (`rules[0]: must be an object, found null`) instead of crashing half-way or
 * putting nonsense in the history.
 *
 * Properties the schema does not know are allowed: a report of a later 1.x version (minor
 * versions only add optional properties) can be recorded by this one.
 *
 * ajv is loaded on first use, so commands that never read a report do not pay for it.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dateProblem } from "./calendar-date.js";

/** The report schema could not be found or compiled: the installation is broken (exit 3). */
export class ReportSchemaError extends Error {
  override name = "ReportSchemaError";
}

/** Problems listed per report; the rest are counted. */
const MAX_PROBLEMS = 5;

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
}
type Validate = ((data: unknown) => boolean) & {
  errors?: AjvError[] | null;
};

let validateCache: Validate | undefined;

/** `docs/report-schema.json` of this installation: from `runtime/` or `dist/runtime/`. */
export function reportSchemaPath(): string {
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(here, "docs", "report-schema.json");
    if (existsSync(candidate)) return candidate;
    here = dirname(here);
  }
  throw new ReportSchemaError(
    "the report schema docs/report-schema.json is missing from this regel installation; reinstall regel",
  );
}

/** The schema without `additionalProperties: false`, anywhere in it. */
function allowUnknownProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowUnknownProperties);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(schema))
    if (!(k === "additionalProperties" && v === false))
      out[k] = allowUnknownProperties(v);
  return out;
}

function validator(): Validate {
  if (validateCache !== undefined) return validateCache;
  const path = reportSchemaPath();
  try {
    const schema = allowUnknownProperties(
      JSON.parse(readFileSync(path, "utf8")),
    );
    const { Ajv } = createRequire(import.meta.url)("ajv") as {
      Ajv: new (options: Record<string, unknown>) => {
        compile(schema: unknown): Validate;
      };
    };
    // formats (`date`) are not checked: record needs the shape; the RRD has its own pattern
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: false,
      validateFormats: false,
    });
    validateCache = ajv.compile(schema);
    return validateCache;
  } catch (e) {
    throw new ReportSchemaError(
      `the report schema ${path} cannot be used: ${(e as Error).message}`,
    );
  }
}

/** `/rules/0/count` as `rules[0].count`; the whole report as `the report`. */
function where(instancePath: string): string {
  if (instancePath === "") return "the report";
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? "" : "."}${p}`))
    .join("");
}

/** A value as a short text for a message. */
function found(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value) ?? String(value);
  return `, found ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function describe(e: AjvError): string {
  switch (e.keyword) {
    case "required":
      return `${where(e.instancePath)}: \`${String(e.params.missingProperty)}\` is missing`;
    case "type":
      return `${where(e.instancePath)}: must be ${String(e.params.type).replace(/,/g, " or ")}${found(e.data)}`;
    case "enum":
      return `${where(e.instancePath)}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}${found(e.data)}`;
    default:
      return `${where(e.instancePath)}: ${e.message ?? e.keyword}${found(e.data)}`;
  }
}

/**
 * For `oneOf` / `anyOf` (e.g. `ikbs`: null or an object), ajv reports every branch. When a branch
 * fails deeper down (`ikbs.percentage`), that is the one meant: drop the summary and the other
 * branches' complaints about the value as a whole ("must be null").
 */
function branchNoise(e: AjvError, all: readonly AjvError[]): boolean {
  const choice = /\/(oneOf|anyOf)(\/|$)/.exec(e.schemaPath);
  if (choice === null) return false;
  const deeper = all.some((d) =>
    d.instancePath.startsWith(`${e.instancePath}/`),
  );
  return (
    deeper &&
    (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "type")
  );
}

/**
 * The RRD of a report that matches the schema as a calendar day: the schema's pattern has checked
 * its form but lets `2024-02-30` through, and the history's readers (`regel assess` counts working
 * days from it) need a real day.
 */
function rrdProblems(report: unknown): string[] {
  const rrd = (report as { rrd: string }).rrd;
  const problem = dateProblem(rrd);
  return problem === undefined
    ? []
    : [`rrd: ${JSON.stringify(rrd)} is ${problem}`];
}

/**
 * What is wrong with `data` as a regel JSON report (reportVersion 1.x): one line per problem
 * (`path: what`), at most five and then how many more. Empty when it is a valid report.
 */
export function reportProblems(data: unknown): string[] {
  const validate = validator();
  if (validate(data)) return rrdProblems(data);
  const errors = (validate.errors ?? []).filter(
    (e, _, all) => !branchNoise(e, all),
  );
  // a wrong type says it all: drop what the same place also fails (enum, minimum, ...)
  const typed = new Set(
    errors.filter((e) => e.keyword === "type").map((e) => e.instancePath),
  );
  // the branches of a choice each name one type: "must be null or object"
  const types = new Map<string, string[]>();
  for (const e of errors)
    if (e.keyword === "type")
      types.set(e.instancePath, [
        ...(types.get(e.instancePath) ?? []),
        String(e.params.type),
      ]);
  const lines = [
    ...new Set(
      errors
        .filter((e) => e.keyword === "type" || !typed.has(e.instancePath))
        .map((e) =>
          e.keyword === "type"
            ? describe({
                ...e,
                params: { type: types.get(e.instancePath)!.join(",") },
              })
            : describe(e),
        ),
    ),
  ];
  return lines.length <= MAX_PROBLEMS
    ? lines
    : [
        ...lines.slice(0, MAX_PROBLEMS),
        `and ${lines.length - MAX_PROBLEMS} more`,
      ];
}
