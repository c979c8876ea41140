/* Kent CBS map keyboard: the shortcuts help ("?" or the button), "/" to search, and what every
   drawing tool (measuring, the editor) shares: the closing double-click does not zoom the map,
   Esc cancels, Backspace or Ctrl+Z removes the last point; while a geometry is being edited
   Ctrl+Z / Backspace undoes the last vertex move (the editor registers that undo). */
"use strict";

(function () {
    const tools = {draw: null, cancel: null, undo: null};

    function doubleClickZoom(active) {
        const map = window.kentMap;
        if (!map) { return; }
        map.getInteractions().forEach(function (i) {
            if (i instanceof ol.interaction.DoubleClickZoom) { i.setActive(active); }
        });
    }

    window.kentDrawTools = {
        // When the last drawing ended or was cancelled (performance.now()): a click pressed before
        // that was one of the drawing's clicks, never one for the map's identify.
        endedAt: -Infinity,
        // A Draw interaction becomes the active one: keys act on it; its double-click never zooms.
        attach: function (draw, onCancel) {
            tools.draw = draw;
            tools.cancel = onCancel || null;
            doubleClickZoom(false);
            draw.on("drawend", function () {
                window.kentDrawTools.endedAt = performance.now();
                // The double-click that finished the drawing is still being dispatched: keep the
                // zoom off until it is over.
                setTimeout(function () { if (tools.draw !== draw) { return; } doubleClickZoom(true); }, 350);
            });
        },
        detach: function (draw) {
            window.kentDrawTools.endedAt = performance.now();
            if (tools.draw === draw) { tools.draw = null; tools.cancel = null; }
            setTimeout(function () { if (!tools.draw) { doubleClickZoom(true); } }, 350);
        },
        // While a geometry is modified: a function that undoes the last change (or null).
        setUndo: function (undo) { tools.undo = undo; },
    };

    function typing(target) {
        return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    }

    document.addEventListener("keydown", function (event) {
        if (typing(event.target) || document.querySelector("dialog[open]")) { return; }
        const undoKey = event.key === "Backspace" || ((event.ctrlKey || event.metaKey) && (event.key === "z" || event.key === "Z"));
        if (event.key === "Escape" && tools.draw) {
            event.preventDefault();
            tools.draw.abortDrawing();
            if (tools.cancel) { tools.cancel(); }
            return;
        }
        if (undoKey && tools.draw) {
            event.preventDefault();
            tools.draw.removeLastPoint();
            return;
        }
        if (undoKey && tools.undo) {
            event.preventDefault();
            tools.undo();
            return;
        }
        if (event.key === "/" && !event.ctrlKey && !event.metaKey) {
            const search = document.getElementById("search");
            if (search) { event.preventDefault(); search.focus(); }
        }
        if (event.key === "?") {
            event.preventDefault();
            window.kentConfirm("shortcuts");
        }
    });

    document.addEventListener("DOMContentLoaded", function () {
        const button = document.getElementById("open-shortcuts");
        if (button) { button.addEventListener("click", function () { window.kentConfirm("shortcuts"); }); }
    });
})();
