/* Kent CBS map editor: draw, modify (with snapping), attribute form from the registry, save and
   delete through our OGC API Part 4 endpoints (CSRF token + If-Match), conflicts shown side by
   side. Values are written with textContent / input.value only. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
    const map = window.kentMap;
    const config = window.kentConfig;
    const editable = [];
    config.themes.forEach(function (t) { t.layers.forEach(function (l) { if (l.editable) { editable.push(l); } }); });
    if (!map || editable.length === 0) { return; }

    const $ = function (id) { return document.getElementById(id); };
    const texts = $("map-texts") ? $("map-texts").dataset : {};
    function sentence(template, values) {
        return (template || "").replace(/\{(\w+)\}/g, function (_m, key) { return String(values[key]); });
    }
    const section = $("editor");
    section.hidden = false;
    const csrf = section.querySelector("input[name=csrfmiddlewaretoken]").value;
    const geojson = new ol.format.GeoJSON({dataProjection: "EPSG:4326", featureProjection: "EPSG:3857"});
    const working = new ol.source.Vector();
    const workingLayer = new ol.layer.Vector({source: working, style: new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#ff00aa", width: 2}),
        fill: new ol.style.Fill({color: "rgba(255,0,170,0.12)"}),
        image: new ol.style.Circle({radius: 6, fill: new ol.style.Fill({color: "#ff00aa"})}),
    })});
    map.addLayer(workingLayer);

    // Other visible layers' features in view, for snapping only (e.g. a building to a parcel edge).
    const snapOthers = new ol.source.Vector();
    const problemSource = new ol.source.Vector();
    window.kentProblems = problemSource;  // for tests
    map.addLayer(new ol.layer.Vector({source: problemSource, style: new ol.style.Style({
        image: new ol.style.RegularShape({points: 4, radius: 10, angle: Math.PI / 4,
                                          stroke: new ol.style.Stroke({color: "#d00", width: 3})}),
    })}));

    const state = {layer: null, schema: null, feature: null, id: null, etag: null};
    let draw = null, modify = null, snap = null, translate = null;

    editable.forEach(function (l) {
        const option = document.createElement("option");
        option.value = l.name;
        option.textContent = l.title;
        $("edit-layer").appendChild(option);
    });

    // Ctrl+Z / Backspace while a geometry is edited: back to the geometry before the last change.
    function undoableModify(modifyInteraction, features, others) {
        const before = [];
        const remember = function () { before.push(features[0].getGeometry().clone()); };
        modifyInteraction.on("modifystart", remember);
        others.forEach(function (i) { if (i) { i.on("translatestart", remember); } });
        window.kentDrawTools.setUndo(function () {
            if (before.length) { features[0].setGeometry(before.pop()); }
        });
    }

    function url(template, layer) { return template.replace("LAYER", layer); }
    function message(text, kind) {
        const box = $("edit-message");
        box.textContent = text;
        box.className = "small mt-2 " + (kind === "error" ? "text-danger" : "text-success");
    }
    function clearInteractions() {
        if (draw) { window.kentDrawTools.detach(draw); }
        window.kentDrawTools.setUndo(null);
        [draw, modify, translate].concat(snap || []).forEach(function (i) { if (i) { map.removeInteraction(i); } });
        draw = modify = snap = translate = null;
    }
    function resetSelection() {
        clearInteractions();
        state.feature = state.id = state.etag = null;
        $("edit-form").hidden = true;
        $("edit-conflict").hidden = true;
        $("edit-delete").disabled = true;
        $("edit-geom-error").textContent = "";
        working.getFeatures().forEach(function (f) { if (!f.getId()) { working.removeFeature(f); } });
        if (state.layer) { addSnap(); }
    }
    function addSnap() {
        snap = [new ol.interaction.Snap({source: working, pixelTolerance: 12}),
                new ol.interaction.Snap({source: snapOthers, pixelTolerance: 12})];
        snap.forEach(function (i) { map.addInteraction(i); });
    }

    function itemsIn(layer, extent) {
        return fetch(url(config.itemsUrl, layer) + "?limit=2000&bbox=" +
                     extent.map(function (v) { return v.toFixed(7); }).join(","), {credentials: "same-origin"})
            .then(function (r) { return r.ok ? r.json() : {features: []}; })
            .then(function (data) { return geojson.readFeatures(data); });
    }
    // What the working and snapping sources hold: the view plus a margin, so that small pans and
    // zooms inside it need no new requests.
    let loads = 0, loaded = null;  // newer loads win: a late answer of an older one is dropped
    function visibleOthers() {
        const zoom = map.getView().getZoom();
        return Object.keys(window.kentLayers).filter(function (name) {
            const l = window.kentLayers[name];
            return name !== state.layer && l.getVisible() && zoom >= l.get("cbsLayer").minZoom;
        });
    }
    function loadWorking() {
        const mine = ++loads;
        loaded = null;
        if (!state.layer) { working.clear(); snapOthers.clear(); return Promise.resolve(); }
        $("editor").dataset.loading = "1";  // tests and the cursor wait for snapping data
        const view = map.getView().calculateExtent();
        const extent = ol.proj.transformExtent(ol.extent.buffer(view, ol.extent.getWidth(view) / 2),
                                               "EPSG:3857", "EPSG:4326");
        const others = visibleOthers();
        const fetches = others.map(function (name) {
            return itemsIn(name, extent).then(function (features) {
                // Ids repeat across layers (door 1, parcel 1) and a source keeps one feature per id.
                features.forEach(function (f) { f.setId(name + "/" + f.getId()); });
                return features;
            });
        });
        // The sources are swapped once everything has arrived: a drawing that goes on meanwhile
        // keeps snapping to the features it had, never to emptied sources.
        return Promise.all([itemsIn(state.layer, extent), Promise.all(fetches)]).then(function (got) {
            if (mine !== loads) { return; }
            working.clear();
            working.addFeatures(got[0]);
            snapOthers.clear();
            got[1].forEach(function (features) { snapOthers.addFeatures(features); });
        }).finally(function () {
            if (mine !== loads) { return; }
            loaded = {extent: extent, layer: state.layer, others: others.join(",")};
            $("editor").dataset.loading = "0";
        });
    }
    function needsLoad() {
        if (!loaded || loaded.layer !== state.layer || loaded.others !== visibleOthers().join(",")) { return true; }
        const view = ol.proj.transformExtent(map.getView().calculateExtent(), "EPSG:3857", "EPSG:4326");
        return !ol.extent.containsExtent(loaded.extent, view);
    }

    function buildForm(properties) {
        const fields = $("edit-fields");
        fields.replaceChildren();
        state.schema.fields.forEach(function (f) {
            const group = document.createElement("div");
            group.className = "mb-1";
            const label = document.createElement("label");
            label.className = "form-label small mb-0";
            label.textContent = f.label + (f.required ? " *" : "");
            label.htmlFor = "edit-" + f.name;
            let input;
            if (f.choices) {
                input = document.createElement("select");
                input.className = "form-select form-select-sm";
                const empty = document.createElement("option");
                empty.value = "";
                empty.textContent = "—";
                input.appendChild(empty);
                f.choices.forEach(function (c) {
                    const o = document.createElement("option");
                    o.value = c[0];
                    o.textContent = c[1];
                    input.appendChild(o);
                });
            } else {
                input = document.createElement("input");
                input.type = f.type;
                input.className = f.type === "checkbox" ? "form-check-input" : "form-control form-control-sm";
                if (f.maxLength) { input.maxLength = f.maxLength; }
            }
            input.id = "edit-" + f.name;
            input.name = f.name;
            const value = properties ? properties[f.name] : null;
            if (f.type === "checkbox") { input.checked = Boolean(value); }
            else if (value !== null && value !== undefined) {
                input.value = f.type === "datetime-local" ? String(value).slice(0, 16) : String(value);
            }
            const error = document.createElement("div");
            error.className = "text-danger small";
            error.id = "edit-error-" + f.field;
            const help = document.createElement("div");
            help.className = "form-text";
            help.textContent = f.help;
            group.append(label, input, help, error);
            fields.appendChild(group);
        });
        $("edit-form").hidden = false;
    }

    function formValues() {
        const props = {};
        state.schema.fields.forEach(function (f) {
            const input = $("edit-" + f.name);
            if (f.type === "checkbox") { props[f.name] = input.checked; return; }
            const raw = input.value.trim();
            if (raw === "") { props[f.name] = null; return; }
            props[f.name] = f.type === "number" ? Number(raw) : raw;
        });
        return props;
    }

    $("edit-layer").addEventListener("change", function () {
        state.layer = this.value || null;
        window.kentEditing = Boolean(state.layer);
        resetSelection();
        $("edit-draw").disabled = !state.layer;
        $("edit-cancel").disabled = !state.layer;
        working.clear();  // another layer's features are not this one's
        if (!state.layer) { clearInteractions(); return; }
        fetch(url(config.formUrl, state.layer), {credentials: "same-origin"})
            .then(function (r) { return r.json(); })
            .then(function (schema) { state.schema = schema; return loadWorking(); })
            .then(function () { message("", "ok"); });
    });
    map.on("moveend", function () { if (state.layer && !state.feature && needsLoad()) { loadWorking(); } });

    $("edit-draw").addEventListener("click", function () {
        resetSelection();
        const type = {MultiPolygon: "Polygon", Polygon: "Polygon", LineString: "LineString",
                      MultiLineString: "LineString", Point: "Point"}[state.schema.geometry];
        draw = new ol.interaction.Draw({source: working, type: type});
        draw.on("drawend", function (event) {
            state.feature = event.feature;
            map.removeInteraction(draw);
            window.kentDrawTools.detach(draw);
            draw = null;
            modify = new ol.interaction.Modify({features: new ol.Collection([state.feature])});
            undoableModify(modify, [state.feature], [translate]);
            map.addInteraction(modify);
            buildForm(null);
        });
        map.addInteraction(draw);
        // Esc cancels, Backspace / Ctrl+Z removes the last vertex, the closing double-click does not zoom.
        window.kentDrawTools.attach(draw, function () { resetSelection(); message(texts.drawingCancelled, "ok"); });
        // Snap must be added after Draw to act on it.
        (snap || []).forEach(function (i) { map.removeInteraction(i); });
        addSnap();
    });

    map.on("singleclick", function (event) {
        if (!state.layer || draw || state.feature) { return; }
        const hit = map.forEachFeatureAtPixel(event.pixel, function (f, l) { return l === workingLayer ? f : null; },
                                              {hitTolerance: 4});
        if (!hit || !hit.getId()) { return; }
        pick(hit);
    });
    // "Edit" in the identify panel: choose the layer, wait for its features, then pick the feature.
    window.kentEdit = function (layer, id) {
        if (!editable.some(function (l) { return l.name === layer; })) { return false; }
        $("edit-layer").value = layer;
        $("edit-layer").dispatchEvent(new Event("change"));
        const waitLoaded = function () {
            if ($("editor").dataset.loading !== "0" || !state.schema || state.schema.layer !== layer) {
                setTimeout(waitLoaded, 100);
                return;
            }
            const feature = working.getFeatureById(id);
            if (feature) { pick(feature); }
        };
        setTimeout(waitLoaded, 100);
        section.scrollIntoView({block: "nearest"});
        return true;
    };

    function pick(hit) {
        fetch(url(config.itemsUrl, state.layer) + "/" + hit.getId(), {credentials: "same-origin"})
            .then(function (r) { state.etag = r.headers.get("ETag"); return r.json(); })
            .then(function (data) {
                state.feature = hit;
                state.id = hit.getId();
                clearInteractions();
                const selected = new ol.Collection([hit]);
                // Drag the whole feature, or its vertices (alt+click removes a vertex).
                translate = new ol.interaction.Translate({features: selected});
                modify = new ol.interaction.Modify({features: selected});
                undoableModify(modify, [hit], [translate]);
                map.addInteraction(translate);
                map.addInteraction(modify);
                addSnap();
                buildForm(data.properties);
                $("edit-delete").disabled = false;
                message(sentence(texts.selectedFeature, {id: state.id, version: data.properties.version || (state.etag || "").replace(/\W/g, "")}), "ok");
            });
    }

    function send(method, body, etag) {
        const headers = {"X-CSRFToken": csrf, "Content-Type": "application/geo+json",
                         "Accept-Language": document.documentElement.lang || "tr"};
        if (etag) { headers["If-Match"] = etag; }
        const target = url(config.itemsUrl, state.layer) + (state.id ? "/" + state.id : "");
        return fetch(target, {method: method, headers: headers, credentials: "same-origin",
                              body: body ? JSON.stringify(body) : undefined});
    }

    function refreshAfterWrite(text) {
        message(text, "ok");
        problemSource.clear();
        const tiles = window.kentLayers[state.layer];
        if (tiles) { tiles.getSource().refresh(); }
        resetSelection();
        loadWorking();
    }

    function markProblem(text) {
        // GEOS names the place of a problem in the storage CRS, e.g. "Self-intersection[407900 4541100]".
        problemSource.clear();
        const m = /\[(-?[0-9.]+)\s+(-?[0-9.]+)\]/.exec(text || "");
        if (!m) { return; }
        const at = ol.proj.transform([Number(m[1]), Number(m[2])], config.tm.code, "EPSG:3857");
        problemSource.addFeature(new ol.Feature(new ol.geom.Point(at)));
    }

    function showErrors(data) {
        document.querySelectorAll("[id^=edit-error-]").forEach(function (e) { e.textContent = ""; });
        $("edit-geom-error").textContent = "";
        markProblem(data.errors && data.errors.geom ? data.errors.geom.join(" ") : "");
        const errors = data.errors || {"__all__": [data.description]};
        Object.keys(errors).forEach(function (key) {
            const target = key === "geom" ? $("edit-geom-error") : $("edit-error-" + key);
            (target || $("edit-message")).textContent = errors[key].join(" ");
        });
        message(data.description || "", "error");
    }

    function save(etag) {
        const body = {type: "Feature", properties: formValues(),
                      geometry: geojson.writeGeometryObject(state.feature.getGeometry())};
        const method = state.id ? "PATCH" : "POST";
        return send(method, body, state.id ? etag : null).then(function (response) {
            return response.json().then(function (data) {
                if (response.ok) {
                    const done = state.id ? sentence(texts.saved, {id: state.id}) : sentence(texts.created, {id: data.id});
                    refreshAfterWrite("✓ " + done + (data.warnings && data.warnings.length
                        ? " ⚠ " + sentence(texts.warnings, {warnings: data.warnings.join(" ")}) : ""));
                } else if (response.status === 412) {
                    showConflict(data);
                } else {
                    showErrors(data);
                }
            });
        });
    }

    function showConflict(data) {
        $("edit-conflict").hidden = false;
        $("edit-conflict-text").textContent = data.description;
        fetch(url(config.itemsUrl, state.layer) + "/" + state.id, {credentials: "same-origin"})
            .then(function (r) { state.theirEtag = r.headers.get("ETag"); return r.json(); })
            .then(function (theirs) {
                const mine = formValues();
                const rows = $("edit-conflict-rows");
                rows.replaceChildren();
                state.schema.fields.forEach(function (f) {
                    const a = mine[f.name] === null ? "" : String(mine[f.name]);
                    const b = theirs.properties[f.name] === null || theirs.properties[f.name] === undefined ? "" : String(theirs.properties[f.name]);
                    const tr = document.createElement("tr");
                    if (a !== b) { tr.className = "table-warning"; }
                    [f.label, a, b].forEach(function (v) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
                    rows.appendChild(tr);
                });
                state.theirs = theirs;
            });
    }

    $("edit-take-theirs").addEventListener("click", function () {
        buildForm(state.theirs.properties);
        state.feature.setGeometry(geojson.readGeometry(state.theirs.geometry));
        state.etag = state.theirEtag;
        $("edit-conflict").hidden = true;
    });
    $("edit-keep-mine").addEventListener("click", function () {
        state.etag = state.theirEtag;
        $("edit-conflict").hidden = true;
        save(state.etag);
    });

    $("edit-form").addEventListener("submit", function (event) {
        event.preventDefault();
        if (state.feature) { save(state.etag); }
    });
    $("edit-delete").addEventListener("click", function () {
        if (!state.id) { return; }
        // Ask first, in the page's dialog (cbs/js/confirm.js); the history keeps the feature.
        $("confirm-delete-feature").textContent = "#" + state.id;
        window.kentConfirm("confirm-delete").then(function (yes) {
            if (!yes || !state.id) { return; }
            send("DELETE", null, state.etag).then(function (response) {
                if (response.status === 204) { refreshAfterWrite(sentence(texts.deleted, {id: state.id})); }
                else if (response.status === 412) { response.json().then(showConflict); }
                else { response.json().then(showErrors); }
            });
        });
    });
    $("edit-cancel").addEventListener("click", function () { resetSelection(); loadWorking(); message("", "ok"); });
});
