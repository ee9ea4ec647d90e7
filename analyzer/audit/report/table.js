// The documents table of an audit report: sorting by any column and filters, on this page only.
// Inlined and allowed by its hash; it reads the table and never writes markup from its cells.
"use strict";

(function () {
  const table = document.getElementById("documents-table");
  const filters = document.getElementById("documents-filters");
  if (!table || !filters) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows).map((row, position) => ({
    row: row,
    position: position,
    text: row.textContent.toLowerCase(),
    label: row.dataset.l || "",
    mixed: row.dataset.x === "mixed",
    type: row.dataset.t || "",
    missing: (row.dataset.m || "").split(" "),
  }));
  const $ = (id) => document.getElementById(id);
  const count = $("filter-count");

  function applyFilters() {
    const words = $("filter-text").value.toLowerCase().split(/\s+/).filter(Boolean);
    const label = $("filter-label").value;
    const type = $("filter-type").value;
    const missing = $("filter-missing").value;
    let shown = 0;
    for (const item of rows) {
      const keep =
        words.every((word) => item.text.includes(word)) &&
        (!label || (label === "mixed" ? item.mixed : item.label === label)) &&
        (!type || item.type === type) &&
        (!missing || item.missing.includes(missing));
      item.row.hidden = !keep;
      if (keep) shown += 1;
    }
    count.textContent = "Showing " + shown.toLocaleString("en") + " of " + rows.length.toLocaleString("en");
  }

  function cellValue(item, column, numeric) {
    const cell = item.row.cells[column];
    if (numeric) return Number(cell.dataset.v);
    return cell.textContent.trim().toLowerCase();
  }

  function sortBy(header, column, numeric) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const keyed = rows.map((item) => ({ item: item, key: cellValue(item, column, numeric) }));
    keyed.sort((a, b) => {
      let order = numeric ? a.key - b.key : a.key.localeCompare(b.key);
      if (!ascending) order = -order;
      return order || a.item.position - b.item.position;
    });
    const fragment = document.createDocumentFragment();
    for (const entry of keyed) fragment.append(entry.item.row);
    body.append(fragment);
  }

  Array.from(table.tHead.rows[0].cells).forEach((header, column) => {
    const kind = header.dataset.sort;
    if (!kind) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = header.textContent;
    button.title = "Sort by " + header.textContent.toLowerCase();
    header.replaceChildren(button);
    button.addEventListener("click", () => sortBy(header, column, kind === "number"));
  });

  for (const id of ["filter-text", "filter-label", "filter-type", "filter-missing"]) {
    $(id).addEventListener("input", applyFilters);
  }
  filters.hidden = false;
  applyFilters();
})();
