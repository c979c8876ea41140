/* Kent CBS attribute table (like QGIS's): one layer's features paged from the server
   (/map/table/<layer>/), sorted and filtered by published attributes, by the map view or a
   mahalle; selected rows are highlighted on the map and zoomed to; editors edit a cell
   (double-click) or apply one value to a column of the selection (asks first); the selection is
   exported through /map/export/?ids=…. Texts come translated from the template (#attr-texts);
   values are written with textContent / input.value only. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
    const $ = function (id) { return document.getElementById(id); };
    const panel = $("attribute-table");
    const map = window.kentMap;
    const config = window.kentConfig;
    if (!panel || !map || !config) { return; }
    const texts = $("attr-texts").dataset;
    const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    const PAGE = 100;

    function fmt(template, values) {
        return template.replace(/\{(\w+)\}/g, function (_m, key) { return String(values[key]); });
    }
    function number(n) { return Number(n).toLocaleString(document.documentElement.lang || "tr"); }

    const state = {
        layer: null, columns: [], byName: {}, editable: false, rows: [], count: 0, offset: 0,
        sort: null, desc: false, filters: [], mahalle: "", extent: false, selectedOnly: false,
        selected: new Map(),  // tucbsNo -> {version, bbox}
        anchor: null, loading: 0,
    };
    window.kentAttributeTable = state;  // for tests and the browser console

    // Layers the user may see (the map's configuration lists only those).
    const layers = [];
    config.themes.forEach(function (t) { t.layers.forEach(function (l) { layers.push(l); }); });
    layers.forEach(function (l) {
        const o = document.createElement("option");
        o.value = l.name;
        o.textContent = l.title;
        $("attr-layer").appendChild(o);
    });

    function message(text, kind) {
        const box = $("attr-message");
        box.textContent = text || "";
        box.className = "small px-2 " + (kind === "error" ? "text-danger" : "text-success");
    }

    // --- opening, closing, resizing --------------------------------------------------------------
    function setOpen(open) {
        panel.hidden = !open;
        document.body.classList.toggle("attr-open", open);
        map.updateSize();
        if (open && !state.layer) { chooseLayer($("attr-layer").value); }
        if (!open) { highlight(); }
    }
    window.kentOpenAttributeTable = function (layerName) {
        if (layerName && layerName !== state.layer) { $("attr-layer").value = layerName; chooseLayer(layerName); }
        setOpen(true);
    };
    const opener = $("open-attribute-table");
    if (opener) { opener.addEventListener("click", function () { setOpen(panel.hidden); }); }
    $("attr-close").addEventListener("click", function () { setOpen(false); });
    $("attr-resize").addEventListener("pointerdown", function (event) {
        const shell = panel.parentElement.getBoundingClientRect();
        const move = function (e) {
            const height = Math.max(140, Math.min(shell.bottom - e.clientY, shell.height - 120));
            document.documentElement.style.setProperty("--attr-height", height + "px");
            map.updateSize();
        };
        const up = function () { window.removeEventListener("pointermove", move); window.removeEventListener("pointerup", up); };
        window.addEventListener("pointermove", move);
        window.addEventListener("pointerup", up);
        event.preventDefault();
    });

    // --- loading ---------------------------------------------------------------------------------
    function query(meta) {
        const params = new URLSearchParams();
        if (meta) { params.set("meta", "1"); }
        if (state.sort) { params.set("sort", state.sort); params.set("order", state.desc ? "desc" : "asc"); }
        state.filters.forEach(function (f) { params.append("f", f.name + ":" + f.op + ":" + f.value); });
        if (state.mahalle) { params.set("mahalle", state.mahalle); }
        if (state.extent) {
            const box = ol.proj.transformExtent(map.getView().calculateExtent(), "EPSG:3857", "EPSG:4326");
            params.set("bbox", box.map(function (v) { return v.toFixed(6); }).join(","));
        }
        if (state.selectedOnly) { params.set("ids", Array.from(state.selected.keys()).join(",")); }
        params.set("offset", String(state.offset));
        params.set("limit", String(PAGE));
        return panel.dataset.tableUrl.replace("LAYER", state.layer) + "?" + params.toString();
    }

    function load(meta) {
        if (!state.layer) { return Promise.resolve(); }
        const mine = ++state.loading;
        panel.dataset.loading = "1";
        return fetch(query(meta), {credentials: "same-origin", headers: {"Accept-Language": document.documentElement.lang || "tr"}})
            .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
            .then(function (answer) {
                if (mine !== state.loading) { return; }
                if (!answer.ok) { message(answer.data.detail || texts.failed, "error"); return; }
                const data = answer.data;
                if (data.columns) { setColumns(data.columns, data.mahalleler || []); }
                state.editable = data.editable;
                state.rows = data.rows;
                state.count = data.count;
                render();
            })
            .catch(function () { if (mine === state.loading) { message(texts.failed, "error"); } })
            .finally(function () { if (mine === state.loading) { panel.dataset.loading = "0"; } });
    }
    function reload() { state.offset = 0; return load(false); }

    function chooseLayer(name) {
        state.layer = name;
        state.sort = null; state.desc = false; state.filters = []; state.offset = 0;
        state.selected.clear(); state.anchor = null; state.selectedOnly = false;
        $("attr-selected-only").checked = false;
        message("");
        highlight();
        return load(true);
    }
    $("attr-layer").addEventListener("change", function () { chooseLayer(this.value); });

    function setColumns(columns, mahalleler) {
        state.columns = columns;
        state.byName = {};
        columns.forEach(function (c) { state.byName[c.name] = c; });
        const field = $("attr-filter-field");
        field.replaceChildren();
        columns.forEach(function (c) {
            const o = document.createElement("option");
            o.value = c.name;
            o.textContent = c.label;
            field.appendChild(o);
        });
        filterValueInput();
        const select = $("attr-mahalle");
        if (select.options.length <= 1) {
            mahalleler.forEach(function (m) {
                const o = document.createElement("option");
                o.value = String(m[0]);
                o.textContent = m[1];
                select.appendChild(o);
            });
        }
    }

    // --- rendering -------------------------------------------------------------------------------
    function shown(row, column) {
        if (row.labels[column.name] !== undefined) { return row.labels[column.name]; }
        const value = row.values[column.name];
        if (value === null || value === undefined) { return ""; }
        if (typeof value === "boolean") { return value ? texts.yes : texts.no; }
        // Identifiers and counts as QGIS shows them (no digit grouping); decimals with the locale's comma.
        if (typeof value === "number") { return Number.isInteger(value) ? String(value) : number(value); }
        return String(value);
    }

    function render() {
        const head = $("attr-head");
        const body = $("attr-body");
        head.replaceChildren();
        body.replaceChildren();
        const tr = document.createElement("tr");
        const all = document.createElement("th");
        const allBox = document.createElement("input");
        allBox.type = "checkbox";
        allBox.className = "form-check-input";
        allBox.title = texts.selectPage;
        allBox.setAttribute("aria-label", texts.selectPage);
        allBox.checked = state.rows.length > 0 && state.rows.every(function (r) { return state.selected.has(r.id); });
        allBox.addEventListener("change", function () {
            state.rows.forEach(function (r) {
                if (allBox.checked) { state.selected.set(r.id, {version: r.version, bbox: r.bbox}); }
                else { state.selected.delete(r.id); }
            });
            selectionChanged();
        });
        all.appendChild(allBox);
        tr.appendChild(all);
        state.columns.forEach(function (c) {
            const th = document.createElement("th");
            th.scope = "col";
            const button = document.createElement("button");
            button.type = "button";
            button.className = "attr-sort";
            button.dataset.column = c.name;
            button.title = texts.sort + " (" + c.name + ")";
            button.textContent = c.label + (state.sort === c.name ? (state.desc ? " ▼" : " ▲") : "");
            button.addEventListener("click", function () {
                if (state.sort === c.name) { state.desc = !state.desc; } else { state.sort = c.name; state.desc = false; }
                reload();
            });
            th.setAttribute("aria-sort", state.sort === c.name ? (state.desc ? "descending" : "ascending") : "none");
            th.appendChild(button);
            tr.appendChild(th);
        });
        head.appendChild(tr);
        if (!state.rows.length) {
            const empty = document.createElement("tr");
            const td = document.createElement("td");
            td.colSpan = state.columns.length + 1;
            td.className = "text-muted";
            td.textContent = texts.empty;
            empty.appendChild(td);
            body.appendChild(empty);
        }
        state.rows.forEach(function (row, index) {
            const line = document.createElement("tr");
            line.dataset.id = String(row.id);
            line.dataset.index = String(index);
            if (state.selected.has(row.id)) { line.className = "table-active attr-selected"; }
            const cell = document.createElement("td");
            const box = document.createElement("input");
            box.type = "checkbox";
            box.className = "form-check-input";
            box.checked = state.selected.has(row.id);
            box.setAttribute("aria-label", texts.selectRow + " #" + row.id);
            box.addEventListener("click", function (e) { e.stopPropagation(); toggle(row, box.checked); });
            cell.appendChild(box);
            line.appendChild(cell);
            state.columns.forEach(function (c) {
                const td = document.createElement("td");
                td.dataset.column = c.name;
                td.textContent = shown(row, c);
                if (c.type === "number") { td.className = "text-end"; }
                if (state.editable && c.editable) { td.classList.add("attr-editable"); }
                line.appendChild(td);
            });
            // Shift/Ctrl+click selects rows, not the page's text.
            line.addEventListener("mousedown", function (e) { if (e.shiftKey || e.ctrlKey || e.metaKey) { e.preventDefault(); } });
            line.addEventListener("click", function (e) { rowClick(row, index, e); });
            line.addEventListener("dblclick", function (e) {
                const td = e.target.closest("td");
                if (td && td.dataset.column) { editCell(row, td); }
            });
            body.appendChild(line);
        });
        const last = Math.min(state.offset + state.rows.length, state.count);
        $("attr-count").textContent = state.count === 1 ? texts.one : fmt(texts.count, {count: number(state.count)});
        $("attr-range").textContent = state.count ? fmt(texts.range, {first: number(state.offset + 1), last: number(last), count: number(state.count)}) : "";
        $("attr-prev").disabled = state.offset === 0;
        $("attr-next").disabled = last >= state.count;
        $("attr-hint").textContent = state.editable ? texts.hintEdit : texts.hintView;
        $("attr-bulk").hidden = !state.editable;
        if (state.editable) { bulkFields(); }
        renderFilters();
        selectionChanged(true);
    }

    $("attr-prev").addEventListener("click", function () { state.offset = Math.max(0, state.offset - PAGE); load(false); });
    $("attr-next").addEventListener("click", function () { state.offset += PAGE; load(false); });

    // --- filters ---------------------------------------------------------------------------------
    function valueInput(column, id) {
        let input;
        if (column && column.choices) {
            input = document.createElement("select");
            input.className = "form-select form-select-sm w-auto";
            const empty = document.createElement("option");
            empty.value = "";
            empty.textContent = "—";
            input.appendChild(empty);
            column.choices.forEach(function (c) {
                const o = document.createElement("option");
                o.value = c[0];
                o.textContent = c[1];
                input.appendChild(o);
            });
        } else if (column && column.type === "boolean") {
            input = document.createElement("select");
            input.className = "form-select form-select-sm w-auto";
            [["true", texts.yes], ["false", texts.no]].forEach(function (c) {
                const o = document.createElement("option");
                o.value = c[0];
                o.textContent = c[1];
                input.appendChild(o);
            });
        } else {
            input = document.createElement("input");
            input.className = "form-control form-control-sm";
            input.type = column && column.type === "number" ? "number" : column && column.type === "date" ? "date" : "text";
            if (input.type === "number") { input.step = "any"; }
            if (column && column.maxLength) { input.maxLength = column.maxLength; }
            input.style.width = "9rem";
        }
        input.id = id;
        input.setAttribute("aria-label", column ? column.label : "");
        return input;
    }
    function filterValueInput() {
        const column = state.byName[$("attr-filter-field").value];
        const op = $("attr-filter-op").value;
        const slot = $("attr-filter-slot");
        slot.replaceChildren();
        if (op === "empty" || op === "notempty") { return; }
        const plain = op === "contains" ? Object.assign({}, column, {choices: null, type: "text"}) : column;
        slot.appendChild(valueInput(plain, "attr-filter-value"));
    }
    $("attr-filter-field").addEventListener("change", filterValueInput);
    $("attr-filter-op").addEventListener("change", filterValueInput);
    $("attr-filter-form").addEventListener("submit", function (event) {
        event.preventDefault();
        const input = $("attr-filter-value");
        state.filters.push({name: $("attr-filter-field").value, op: $("attr-filter-op").value,
                            value: input ? input.value : ""});
        reload();
    });
    function renderFilters() {
        const box = $("attr-filters");
        box.replaceChildren();
        const ops = {};
        Array.from($("attr-filter-op").options).forEach(function (o) { ops[o.value] = o.textContent; });
        state.filters.forEach(function (f, index) {
            const chip = document.createElement("span");
            chip.className = "badge attr-chip";
            const column = state.byName[f.name];
            let value = f.value;
            if (column && column.choices && f.op !== "contains") {
                const found = column.choices.find(function (c) { return c[0] === f.value; });
                if (found) { value = found[1]; }
            }
            chip.textContent = (column ? column.label : f.name) + " " + ops[f.op] + (f.op === "empty" || f.op === "notempty" ? "" : " " + value) + " ";
            const remove = document.createElement("button");
            remove.type = "button";
            remove.className = "btn-close btn-close-sm";
            remove.setAttribute("aria-label", texts.removeFilter);
            remove.title = texts.removeFilter;
            remove.addEventListener("click", function () { state.filters.splice(index, 1); reload(); });
            chip.appendChild(remove);
            box.appendChild(chip);
        });
    }
    $("attr-mahalle").addEventListener("change", function () { state.mahalle = this.value; reload(); });
    $("attr-extent").addEventListener("change", function () { state.extent = this.checked; reload(); });
    $("attr-selected-only").addEventListener("change", function () { state.selectedOnly = this.checked; reload(); });
    let moveTimer = null;
    map.on("moveend", function () {
        if (panel.hidden || !state.extent) { return; }
        clearTimeout(moveTimer);
        moveTimer = setTimeout(reload, 250);
    });

    // --- selection: highlight and zoom -----------------------------------------------------------
    function highlight() {
        if (window.kentHighlight) {
            window.kentHighlight(panel.hidden ? null : state.layer, panel.hidden ? [] : Array.from(state.selected.keys()));
        }
    }
    function selectionChanged(fromRender) {
        const n = state.selected.size;
        $("attr-selection").textContent = n ? fmt(texts.selected, {count: number(n)}) : texts.noneSelected;
        $("attr-zoom").disabled = $("attr-clear").disabled = $("attr-export").disabled = n === 0;
        $("attr-bulk-apply").disabled = n === 0;
        if (!fromRender) {
            document.querySelectorAll("#attr-body tr[data-id]").forEach(function (tr) {
                const on = state.selected.has(Number(tr.dataset.id));
                tr.classList.toggle("table-active", on);
                tr.classList.toggle("attr-selected", on);
                const box = tr.querySelector("input[type=checkbox]");
                if (box) { box.checked = on; }
            });
        }
        highlight();
    }
    function toggle(row, on) {
        if (on) { state.selected.set(row.id, {version: row.version, bbox: row.bbox}); } else { state.selected.delete(row.id); }
        state.anchor = row.id;
        selectionChanged();
    }
    function rowClick(row, index, event) {
        if (event.target.closest("input, select, .attr-cell-editor")) { return; }
        if (event.shiftKey && state.anchor !== null) {
            const from = state.rows.findIndex(function (r) { return r.id === state.anchor; });
            const a = Math.min(from < 0 ? index : from, index), b = Math.max(from < 0 ? index : from, index);
            for (let i = a; i <= b; i++) { state.selected.set(state.rows[i].id, {version: state.rows[i].version, bbox: state.rows[i].bbox}); }
        } else if (event.ctrlKey || event.metaKey) {
            if (state.selected.has(row.id)) { state.selected.delete(row.id); } else { state.selected.set(row.id, {version: row.version, bbox: row.bbox}); }
            state.anchor = row.id;
        } else {
            state.selected.clear();
            state.selected.set(row.id, {version: row.version, bbox: row.bbox});
            state.anchor = row.id;
            selectionChanged();
            zoomToSelection();
            return;
        }
        selectionChanged();
    }
    function zoomToSelection() {
        let extent = ol.extent.createEmpty();
        state.selected.forEach(function (item) {
            if (item.bbox) { ol.extent.extend(extent, ol.proj.transformExtent(item.bbox, "EPSG:4326", "EPSG:3857")); }
        });
        if (ol.extent.isEmpty(extent)) { return; }
        const layer = window.kentLayers[state.layer];
        if (layer) {
            layer.setVisible(true);
            const box = $("layer-" + state.layer);
            if (box) { box.checked = true; }
        }
        const minZoom = layer ? layer.get("cbsLayer").minZoom : 0;
        extent = ol.extent.buffer(extent, 20);
        const resolution = map.getView().getResolutionForExtent(extent, map.getSize());
        const zoom = Math.max(minZoom, Math.min(19, map.getView().getZoomForResolution(resolution) - 0.3));
        map.getView().animate({center: ol.extent.getCenter(extent), zoom: zoom, duration: 300});
    }
    $("attr-zoom").addEventListener("click", zoomToSelection);
    $("attr-clear").addEventListener("click", function () { state.selected.clear(); state.anchor = null; selectionChanged(); });

    // --- export of the selection -----------------------------------------------------------------
    $("attr-export").addEventListener("click", function () {
        if (!state.selected.size) { return; }
        const params = new URLSearchParams({layer: state.layer, format: $("attr-export-format").value,
                                            crs: config.tm.code.slice(5), ids: Array.from(state.selected.keys()).join(",")});
        if (params.get("format") === "kml") { params.set("crs", "4326"); }
        window.location.href = panel.dataset.exportUrl + "?" + params.toString();
    });

    // --- editing: one cell, or one value for a column of the selection ----------------------------
    function send(changes) {
        return fetch(panel.dataset.editUrl.replace("LAYER", state.layer), {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "",
                      "Accept-Language": document.documentElement.lang || "tr"},
            body: JSON.stringify({changes: changes}),
        }).then(function (r) { return r.json().then(function (data) { return {ok: r.ok, status: r.status, data: data}; }); });
    }
    function applyRows(rows) {
        rows.forEach(function (fresh) {
            const i = state.rows.findIndex(function (r) { return r.id === fresh.id; });
            if (i >= 0) { state.rows[i] = fresh; }
            if (state.selected.has(fresh.id)) { state.selected.set(fresh.id, {version: fresh.version, bbox: fresh.bbox}); }
        });
        render();
        const tiles = window.kentLayers[state.layer];
        if (tiles) { tiles.getSource().refresh(); }
    }
    function typed(column, raw) {
        if (raw === "" || raw === null) { return null; }
        if (column.type === "number") { return Number(raw); }
        if (column.type === "boolean") { return raw === "true"; }
        return raw;
    }
    function editCell(row, td) {
        const column = state.byName[td.dataset.column];
        if (!state.editable || !column || !column.editable || td.querySelector(".attr-cell-editor")) { return; }
        const input = valueInput(column, "attr-cell-" + row.id + "-" + column.name);
        input.classList.add("attr-cell-editor");
        const value = row.values[column.name];
        input.value = value === null || value === undefined ? "" : (column.type === "boolean" ? String(value) : String(value));
        td.replaceChildren(input);
        input.focus();
        let done = false;
        const finish = function (save) {
            if (done) { return; }
            done = true;
            const raw = input.value.trim();
            if (!save || raw === (value === null || value === undefined ? "" : String(value))) { render(); return; }
            const properties = {};
            properties[column.name] = typed(column, raw);
            send([{id: row.id, version: row.version, properties: properties}]).then(function (answer) {
                if (answer.ok) { message(answer.data.detail, "ok"); applyRows(answer.data.rows); }
                else { message(answer.data.detail, "error"); render(); }
            });
        };
        input.addEventListener("keydown", function (e) {
            if (e.key === "Enter") { e.preventDefault(); finish(true); }
            if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); finish(false); }
        });
        input.addEventListener("blur", function () { finish(true); });
    }

    function bulkFields() {
        const select = $("attr-bulk-field");
        const current = select.value;
        select.replaceChildren();
        state.columns.filter(function (c) { return c.editable; }).forEach(function (c) {
            const o = document.createElement("option");
            o.value = c.name;
            o.textContent = c.label;
            select.appendChild(o);
        });
        if (current && state.byName[current] && state.byName[current].editable) { select.value = current; }
        if (!$("attr-bulk-value") || $("attr-bulk-value").dataset.column !== select.value) { bulkValueInput(); }
    }
    function bulkValueInput() {
        const column = state.byName[$("attr-bulk-field").value];
        const slot = $("attr-bulk-slot");
        slot.replaceChildren();
        if (!column) { return; }
        const input = valueInput(column, "attr-bulk-value");
        input.dataset.column = column.name;
        slot.appendChild(input);
    }
    $("attr-bulk-field").addEventListener("change", bulkValueInput);
    $("attr-bulk-apply").addEventListener("click", function () {
        const column = state.byName[$("attr-bulk-field").value];
        const input = $("attr-bulk-value");
        if (!column || !input || !state.selected.size) { return; }
        const shownValue = input.tagName === "SELECT" ? input.options[input.selectedIndex].textContent : input.value;
        $("confirm-bulk-text").textContent = fmt(texts.bulk, {label: column.label, value: shownValue || "—",
                                                              count: number(state.selected.size)});
        window.kentConfirm("confirm-bulk").then(function (yes) {
            if (!yes) { return; }
            const changes = [];
            state.selected.forEach(function (item, id) {
                const properties = {};
                properties[column.name] = typed(column, input.value.trim());
                changes.push({id: id, version: item.version, properties: properties});
            });
            send(changes).then(function (answer) {
                if (answer.ok) { message(answer.data.detail, "ok"); applyRows(answer.data.rows); }
                else { message(answer.data.detail, "error"); }
            });
        });
    });
});
