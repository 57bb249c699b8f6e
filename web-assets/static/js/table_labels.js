// Tables become cards on a phone (system.css): each cell then needs the name of its column,
// which it shows before its value (`td[data-label]::before`). Templates may set data-label
// themselves; this names every other cell from its column header, so that every table, those
// added later included, reads as a card without template changes. Without script, the cards
// still show, without the column names. A header whose only text is for screen readers (an
// "Actions" column of buttons) gives no label: its buttons say what they do.
"use strict";

(function () {
  function headerLabels(table) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) return [];
    const labels = [];
    for (const th of head.cells) {
      const visible = Array.from(th.childNodes).some(
        (n) => (n.nodeType === Node.TEXT_NODE && n.textContent.trim()) ||
          (n.nodeType === Node.ELEMENT_NODE && !n.classList.contains("sr-only") && n.textContent.trim()),
      );
      const text = visible ? th.textContent.replace(/\s+/g, " ").trim() : "";
      for (let i = 0; i < (th.colSpan || 1); i += 1) labels.push(text);
    }
    return labels;
  }

  function label(table) {
    if (table.classList.contains("month")) return;
    const labels = headerLabels(table);
    if (!labels.length) return;
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let col = 0;
        for (const cell of row.cells) {
          const text = labels[col];
          if (text && !cell.hasAttribute("data-label") && !(cell.tagName === "TH" && cell.scope === "row")) {
            cell.setAttribute("data-label", text);
          }
          col += cell.colSpan || 1;
        }
      }
    }
  }

  function run() {
    document.querySelectorAll("table").forEach(label);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
