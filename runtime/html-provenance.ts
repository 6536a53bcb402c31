/**
 * The provenance block in the HTML report's header: what produced the report (tool version,
 * rulesets with the sha256 of their sources and compiled files, input files with size, sha256 and
 * rows, how the RRD was given, the options that change results), folded under the status line.
 * Every value is escaped.
 *
 * @module
 */
import { escapeHtml as h } from "./escape.js";
import type { Report, RulesetProvenance } from "./report-types.js";

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

function rulesetRows(label: string, p: RulesetProvenance): string {
  const rows = [
    `<tr><th>${h(label)}</th><td class="mono">${h(p.compiled.file)}</td><td class="mono">${h(p.compiled.sha256 ?? "not loaded from a file")}</td></tr>`,
  ];
  for (const s of p.sources)
    rows.push(
      `<tr><td></td><td class="mono">${h(s.path)} <span class="muted">(${h(s.ruleset)})</span></td><td class="mono">${h(s.sha256)}</td></tr>`,
    );
  rows.push(
    `<tr><td></td><td colspan="2" class="muted">sources ${h(CHECKED[p.sourcesChecked] ?? p.sourcesChecked)}</td></tr>`,
  );
  return rows.join("");
}

/** The provenance block; empty for a report without provenance (reportVersion 1.0). */
export function provenanceHtml(r: Report): string {
  const p = r.provenance;
  if (p === undefined) return "";
  const parts: string[] = [
    `<details id="provenance"><summary>Provenance: regel ${h(r.generator.version)}, ${h(p.ruleset.id)}, ${h(p.inputs.length)} input file${p.inputs.length === 1 ? "" : "s"} (sha256; check with <span class="mono">regel verify</span>)</summary>`,
    `<table><tr><th>ruleset</th><th>file</th><th>sha256</th></tr>`,
    rulesetRows(p.ruleset.id, p.ruleset),
  ];
  if (p.groeipad !== null)
    parts.push(rulesetRows(`groeipad: ${p.groeipad.id}`, p.groeipad));
  parts.push(
    `</table><table><tr><th>input file</th><th>bytes</th><th>rows</th><th>sha256</th></tr>`,
  );
  for (const i of p.inputs)
    parts.push(
      `<tr><td class="mono">${h(i.file)}</td><td class="n">${h(i.bytes)}</td><td class="n">${h(i.rows)}</td><td class="mono">${h(i.sha256 ?? "could not be read")}</td></tr>`,
    );
  parts.push(
    `</table><p>RRD ${h(r.rrd)}: ${h(RRD_BY[p.rrdChosenBy] ?? p.rrdChosenBy)} · personal data ${p.options.showPersonalData ? "shown" : "masked"} · at most ${h(p.options.maxSamples)} samples per rule · fields up to ${h(p.options.maxFieldLength)} characters${p.options.maxFields === undefined ? "" : ` · at most ${h(p.options.maxFields)} fields and ${h(p.options.maxRecordLength)} characters per record`}</p></details>`,
  );
  return parts.join("");
}
