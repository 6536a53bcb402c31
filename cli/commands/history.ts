/**
 * `regel history [--bank B] [--json] [--history FILE]`: list the recorded validation runs.
 * Exit codes: 0, or 2 for a missing, locked or corrupt history or an unknown bank.
 *
 * @module
 */
import type { Command } from "commander";
import {
  DEFAULT_HISTORY,
  History,
  HistoryError,
  type RunRecord,
} from "../../audit/history.js";
import type { CommandOutput } from "./trace.js";
import { printErr, printOut, terminalSafe } from "../terminal-text.js";

interface Options {
  bank?: string;
  json?: boolean;
  history: string;
}

/** Register the `history` command. */
export function register(program: Command): void {
  program
    .command("history")
    .description("List the recorded validation runs")
    .option("--bank <bank>", "only this bank")
    .option("--json", "print JSON")
    .option("--history <file>", "history database", DEFAULT_HISTORY)
    .action((options: Options) => {
      const out = runHistory(options);
      printOut(out.stdout);
      printErr(out.stderr);
      process.exitCode = out.code;
    });
}

function table(runs: RunRecord[]): string {
  const head = [
    "bank",
    "delivery",
    "rrd",
    "delivered at",
    "status",
    "ikbs",
    "meeting",
    "%",
    "blocking",
    "errors",
    "ruleset",
  ];
  // escaped before the widths are measured, so the columns stay aligned
  const rows = runs.map((r) => [
    terminalSafe(r.bank),
    terminalSafe(r.deliveryId),
    r.rrd,
    r.deliveredAt,
    r.accepted ? "accepted" : "rejected",
    r.ikbs === null ? "-" : String(r.ikbs),
    r.ikbsMeetingControls === null ? "-" : String(r.ikbsMeetingControls),
    r.percentage === null ? "-" : r.percentage.toFixed(2),
    String(r.blockingErrors),
    String(r.errors),
    terminalSafe(r.ruleset),
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

/** Run `regel history` and return what it prints. */
export function runHistory(options: Partial<Options> = {}): CommandOutput {
  const file = options.history ?? DEFAULT_HISTORY;
  let history: History | undefined;
  try {
    history = History.open(file);
    const runs = history.runs({ bank: options.bank });
    if (options.bank !== undefined && runs.length === 0) {
      const banks = history.banks();
      return {
        code: 2,
        stdout: "",
        stderr: `regel history: no runs of bank ${options.bank}; banks: ${banks.join(", ") || "(none)"}\n`,
      };
    }
    if (options.json === true)
      return {
        code: 0,
        stdout: `${JSON.stringify(runs, null, 2)}\n`,
        stderr: "",
      };
    return {
      code: 0,
      stdout: runs.length === 0 ? `no runs recorded in ${file}\n` : table(runs),
      stderr: "",
    };
  } catch (e) {
    if (e instanceof HistoryError)
      return { code: 2, stdout: "", stderr: `regel history: ${e.message}\n` };
    throw e;
  } finally {
    history?.close();
  }
}
