/* Tables become cards on a phone: every cell of a table with a header row gets the header's text
   as data-label, which phone.css shows in front of the value when the rows are stacked. Tables
   that must stay tables (wide comparisons, forms in cells) carry the class "keep-table". */
"use strict";

(function () {
    function label(table) {
        const head = table.tHead && table.tHead.rows[0];
        if (!head || table.classList.contains("keep-table")) {
            return;
        }
        const names = Array.from(head.cells).map(function (th) { return th.textContent.trim(); });
        table.classList.add("table-cards");
        Array.from(table.tBodies).forEach(function (body) {
            Array.from(body.rows).forEach(function (row) {
                Array.from(row.cells).forEach(function (cell, i) {
                    if (!cell.hasAttribute("data-label") && names[i] && cell.colSpan === 1) {
                        cell.setAttribute("data-label", names[i]);
                    }
                });
            });
        });
    }

    function labelAll(root) {
        root.querySelectorAll("main table").forEach(label);
    }

    document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
    // Rows filled later by page scripts (history, imports…) are labelled when they arrive.
    window.cbsTableCards = labelAll;
})();
