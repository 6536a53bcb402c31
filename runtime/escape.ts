/**
 * Escaping for the HTML and CSV reports. Every data value goes through one of these.
 *
 * @module
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
}

/** An `id` attribute value made only of safe characters. */
export function htmlId(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is not linked. */
export function safeUrl(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : undefined;
}

/**
 * Neutralise a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
 * carriage return) by prefixing a single quote. Plain numbers such as `-12.50` stay as they are.
 */
export function neutraliseFormula(value: string): string {
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV cell: formula-neutralised, then quoted when needed (RFC 4180). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const v = neutraliseFormula(String(value));
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV line (CRLF-terminated) from cells. */
export function csvLine(
  cells: readonly (string | number | null | undefined)[],
): string {
  return cells.map(csvCell).join(",") + "\r\n";
}
