/**
 * The one script of report.html: filter and sort the rule tables in the page, without a server.
 *
 * The page is whole without it: every rule row is in the HTML in report order, and the controls
 * are `hidden` until this script shows them. It reads the rows' `data-*` attributes (written by
 * runtime/html-report.ts), hides rows with the `hidden` property and moves rows within their own
 * table to sort them; it never parses HTML (the page's Trusted Types policy forbids it) and loads
 * nothing. A link to a rule that a filter hides clears the filters, so every link still lands.
 * The Content-Security-Policy allows exactly this text, by its hash.
 *
 * @module
 */
import { js } from "./html.js";

export const REPORT_SCRIPT = js`
"use strict";
(() => {
  const controls = document.getElementById("rule-controls");
  if (controls === null) return;
  const get = (id) => document.getElementById(id);
  const severity = get("filter-severity");
  const category = get("filter-category");
  const entity = get("filter-entity");
  const withFindings = get("filter-findings");
  const assumed = get("filter-assumed");
  const text = get("filter-text");
  const sort = get("sort-rules");
  const count = get("filter-count");
  const bodies = Array.from(document.querySelectorAll("table.rules > tbody"));
  const rows = bodies.flatMap((b) => Array.from(b.rows));
  const categoryRank = new Map(
    Array.from(category.options).map((o, i) => [o.value, i]),
  );
  const words = (row, name) => (row.dataset[name] || "").split(" ").filter((w) => w !== "");
  const number = (row, name) => Number(row.dataset[name]);
  const firstCategory = (row) =>
    Math.min(category.options.length, ...words(row, "categories").map((c) => categoryRank.get(c) ?? category.options.length));
  /* each sort key is a list compared element by element; report order breaks ties */
  const keys = {
    order: (r) => [number(r, "order")],
    count: (r) => [-number(r, "count")],
    records: (r) => [-number(r, "records")],
    percentage: (r) => [-number(r, "percentage")],
    severity: (r) => [r.dataset.severity === "blocking" ? 0 : 1],
    category: (r) => [firstCategory(r)],
    entity: (r) => [words(r, "entities").join(" ")],
    code: (r) => [r.dataset.code],
  };
  const compare = (a, b) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  };
  const matches = (r) => {
    const query = text.value.trim().toLowerCase();
    return (
      (severity.value === "" || r.dataset.severity === severity.value) &&
      (category.value === "" ||
        (category.value === "-"
          ? words(r, "categories").length === 0
          : words(r, "categories").includes(category.value))) &&
      (entity.value === "" || words(r, "entities").includes(entity.value)) &&
      (!withFindings.checked || number(r, "count") > 0) &&
      (!assumed.checked || r.dataset.assumed === "yes") &&
      (query === "" ||
        (r.dataset.code + " " + r.dataset.title).toLowerCase().includes(query))
    );
  };
  const apply = () => {
    let shown = 0;
    for (const r of rows) {
      r.hidden = !matches(r);
      if (!r.hidden) shown++;
    }
    count.value = shown + " of " + rows.length + " rules shown";
    const key = Object.hasOwn(keys, sort.value) ? keys[sort.value] : keys.order;
    for (const body of bodies) {
      const foot = body.parentElement.tFoot;
      if (foot !== null) foot.hidden = Array.from(body.rows).some((r) => !r.hidden);
      const sorted = Array.from(body.rows)
        .map((r) => ({ r, k: key(r).concat([number(r, "order")]) }))
        .sort((a, b) => compare(a.k, b.k));
      for (const s of sorted) body.appendChild(s.r);
    }
  };
  const clear = () => {
    for (const s of [severity, category, entity]) s.value = "";
    withFindings.checked = false;
    assumed.checked = false;
    text.value = "";
  };
  /* a link to a rule that a filter hides shows every rule again, then lands */
  const reveal = (id) => {
    const target = id === "" ? null : document.getElementById(id);
    if (target === null || target.closest("tr[hidden]") === null) return;
    clear();
    apply();
    target.scrollIntoView();
  };
  document.addEventListener("click", (e) => {
    const link = e.target instanceof Element ? e.target.closest("a[href^='#']") : null;
    if (link !== null) reveal(decodeURIComponent(link.getAttribute("href").slice(1)));
  });
  window.addEventListener("hashchange", () => reveal(decodeURIComponent(location.hash.slice(1))));
  for (const c of [severity, category, entity, sort, withFindings, assumed])
    c.addEventListener("change", apply);
  text.addEventListener("input", apply);
  get("filter-reset").addEventListener("click", () => {
    clear();
    sort.value = "order";
    apply();
  });
  controls.hidden = false;
  apply();
  reveal(decodeURIComponent(location.hash.slice(1)));
})();
`;
