/**
 * The provenance block in the HTML report's header: what produced the report (tool version,
 * rulesets with the sha256 of their sources and compiled files, input files with size, sha256 and
 * rows, how the RRD was given, the options that change results), folded under the status line.
 * Built with the `html` template: every value is escaped.
 *
 * @module
 */
import { html, type Html } from "./html.js";
import type { Provenance, Report, RulesetProvenance } from "./report-types.js";

/** The quarterly file (`--quarterly`): name, size, sha256 and the figures read. */
function quarterlyHtml(p: Provenance): Html | null {
  const q = p.quarterly;
  if (q === undefined) return null;
  return html`<table><tr><th>quarterly file</th><th>bytes</th><th>figures</th><th>sha256</th></tr><tr><td class="mono">${q.file}</td><td class="n">${q.bytes}</td><td class="mono">${q.figures.map((f) => `${f.name} ${f.value}`).join(", ")}</td><td class="mono">${q.sha256}</td></tr></table>`;
}

/** The previous delivery (`--previous`): the folder as given and each file read. */
function previousHtml(p: Provenance): Html | null {
  const v = p.previous;
  if (v === undefined) return null;
  return html`<table><tr><th>previous delivery ${v.folder}</th><th>bytes</th><th>rows</th><th>sha256</th></tr>${v.files.map(
    (i) =>
      html`<tr><td class="mono">${i.file}</td><td class="n">${i.bytes}</td><td class="n">${i.rows}</td><td class="mono">${i.sha256 ?? "could not be read"}</td></tr>`,
  )}</table>`;
}

const CHECKED: Readonly<Record<RulesetProvenance["sourcesChecked"], string>> = {
  current: "checked: the sources beside the compiled rulesets match",
  "not-found": "not checked: the sources are not beside the compiled rulesets",
  unrecorded: "not checked: the compiled module records no source hashes",
};

const RRD_BY: Readonly<Record<string, string>> = {
  "--rrd": "given with --rrd",
  option: "given with the rrd option (embedding API)",
  "valid-from": "the pinned ruleset's valid-from date",
};

function rulesetRows(label: string, p: RulesetProvenance): Html {
  return html`<tr><th>${label}</th><td class="mono">${p.compiled.file}</td><td class="mono">${p.compiled.sha256 ?? "not loaded from a file"}</td></tr>${p.sources.map(
    (s) =>
      html`<tr><td></td><td class="mono">${s.path} <span class="muted">(${s.ruleset})</span></td><td class="mono">${s.sha256}</td></tr>`,
  )}<tr><td></td><td colspan="2" class="muted">sources ${Object.hasOwn(CHECKED, p.sourcesChecked) ? CHECKED[p.sourcesChecked] : p.sourcesChecked}</td></tr>`;
}

/** The provenance block; empty for a report without provenance (reportVersion 1.0). */
export function provenanceHtml(r: Report): Html {
  const p = r.provenance;
  if (p === undefined) return html``;
  const o = p.options;
  const limits =
    o.maxFields === undefined
      ? ""
      : ` · at most ${o.maxFields} fields and ${o.maxRecordLength ?? ""} characters per record`;
  return html`<details id="provenance"><summary>Provenance: regel ${r.generator.version}, ${p.ruleset.id}, ${p.inputs.length} input file${p.inputs.length === 1 ? "" : "s"} (sha256; check with <span class="mono">regel verify</span>)</summary><table><tr><th>ruleset</th><th>file</th><th>sha256</th></tr>${rulesetRows(p.ruleset.id, p.ruleset)}${
    p.groeipad === null
      ? null
      : rulesetRows(`groeipad: ${p.groeipad.id}`, p.groeipad)
  }</table><table><tr><th>input file</th><th>bytes</th><th>rows</th><th>sha256</th></tr>${p.inputs.map(
    (i) =>
      html`<tr><td class="mono">${i.file}</td><td class="n">${i.bytes}</td><td class="n">${i.rows}</td><td class="mono">${i.sha256 ?? "could not be read"}</td></tr>`,
  )}</table>${quarterlyHtml(p)}${previousHtml(p)}<p>RRD ${r.rrd}: ${Object.hasOwn(RRD_BY, p.rrdChosenBy) ? RRD_BY[p.rrdChosenBy] : p.rrdChosenBy} · personal data ${o.showPersonalData ? "shown" : "masked"} · at most ${o.maxSamples} samples per rule · fields up to ${o.maxFieldLength} characters${limits}</p></details>`;
}
