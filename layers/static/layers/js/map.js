/* Kent CBS main map, on the shared map module (cbs/js/kentmap.js): layer tree with legends,
   base maps, identify panel; plus pointer coordinates in the TM zone, search and measuring in the
   TM zone. Attribute values are always set with textContent (never as HTML). No inline script:
   configuration comes from #map-config. */
"use strict";

(function () {
    const km = KentMap.create(document.getElementById("map"), {
        tree: document.getElementById("layer-tree"),
        panel: document.getElementById("feature-panel"),
    });
    const config = km.config;
    const map = km.map;
    const layersByName = km.layers;
    const dataLayers = Object.values(km.layers);
    const select = km.select;

    const measureSource = new ol.source.Vector();
    const measureLayer = new ol.layer.Vector({source: measureSource, style: new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#d62728", width: 2, lineDash: [6, 4]}),
        fill: new ol.style.Fill({color: "rgba(214,39,40,0.1)"}),
    })});
    map.addLayer(measureLayer);
    // Time from navigation start to the first complete render (read by `make bench`).
    map.once("rendercomplete", function () { window.kentFirstRender = performance.now(); });
    window.KentMain = km;  // the shared map object of this page (attribute table, print … hook here)
    window.kentMap = map;  // for the editor, tests and the browser console
    window.kentLayers = layersByName;
    window.kentConfig = config;

    document.getElementById("labels-on").addEventListener("change", function () { km.setLabels(this.checked); });
    document.getElementById("zoom-home").addEventListener("click", function () {
        km.fit(km.home(), {duration: 300});
    });
    // "Edit" in the identify panel opens the editor on the feature (editor.js), here on this page.
    km.on("action", function (action) {
        if (action.kind === "edit" && window.kentEdit && window.kentEdit(action.layer, action.id)) {
            km.closePanel();  // the editor's form takes over; the map stays free to work in
            return false;
        }
        return true;
    });
    const params = new URLSearchParams(location.search);
    if (params.get("edit")) {  // /map/?edit=layer:id from an identify panel elsewhere
        const parts = params.get("edit").split(":");
        km.showFeature(parts[0], parts[1]).then(function (info) {
            if (info && info.lonlat) {
                map.getView().setCenter(ol.proj.fromLonLat(info.lonlat));
                map.getView().setZoom(Math.max(map.getView().getZoom(), 18));
                setTimeout(function () {
                    if (window.kentEdit && window.kentEdit(parts[0], Number(parts[1]))) { km.closePanel(); }
                }, 300);
            }
        });
    }

    // --- pointer coordinates (TM zone and lon/lat) ----------------------------------------------
    const tmOut = document.getElementById("pointer-tm");
    const llOut = document.getElementById("pointer-lonlat");
    map.on("pointermove", function (event) {
        const tm = ol.proj.transform(event.coordinate, "EPSG:3857", config.tm.code);
        const ll = ol.proj.toLonLat(event.coordinate);
        tmOut.textContent = config.tm.code + " Y(E) " + tm[0].toFixed(2) + "  X(N) " + tm[1].toFixed(2);
        llOut.textContent = ll[1].toFixed(6) + "°N " + ll[0].toFixed(6) + "°E";
    });

    let measuring = null;
    // The topmost feature of the named (visible) data layers under a pixel. Each vector-tile
    // layer's own getFeatures() is used (the map-wide forEachFeatureAtPixel missed MVT points
    // in our browser tests).
    function featureAt(pixel, names) {
        const candidates = dataLayers.slice().reverse().filter(function (l) {
            const name = l.get("cbsLayer").name;
            return l.isVisible(map.getView()) && (!names || names.indexOf(name) >= 0);
        });
        return Promise.all(candidates.map(function (l) { return l.getFeatures(pixel); })).then(function (found) {
            for (let i = 0; i < found.length; i++) {
                if (found[i].length) { return {layer: candidates[i].get("cbsLayer").name, feature: found[i][0]}; }
            }
            return null;
        });
    }
    window.kentFeatureAt = featureAt;
    km.busy = function () { return Boolean(measuring || window.kentEditing); };

    // --- search ---------------------------------------------------------------------------------
    const input = document.getElementById("search");
    const results = document.getElementById("search-results");
    let timer = null;
    document.getElementById("search-form").addEventListener("submit", function (e) { e.preventDefault(); });
    input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
            if (input.value.trim().length < 2) { results.replaceChildren(); return; }
            fetch(config.searchUrl + "?q=" + encodeURIComponent(input.value), {credentials: "same-origin"})
                .then(function (r) { return r.json(); })
                .then(function (data) {
                    results.replaceChildren();
                    data.results.forEach(function (hit) {
                        const li = document.createElement("li");
                        li.tabIndex = 0;
                        li.textContent = hit.label;
                        li.dataset.layer = hit.layer;
                        const go = function () {
                            const extent = ol.proj.transformExtent(hit.bbox, "EPSG:4326", "EPSG:3857");
                            map.getView().fit(ol.extent.buffer(extent, 30), {maxZoom: 19, duration: 300});
                            if (layersByName[hit.layer]) { layersByName[hit.layer].setVisible(true); }
                            const box = document.getElementById("layer-" + hit.layer);
                            if (box) { box.checked = true; }
                            select(hit.layer, hit.tucbs_no);
                        };
                        li.addEventListener("click", go);
                        li.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
                        results.appendChild(li);
                    });
                });
        }, 250);
    });

    // --- measuring in the TM zone (not in Web Mercator) -----------------------------------------
    const out = document.getElementById("measure-result");
    function startMeasure(type) {
        if (measuring) { map.removeInteraction(measuring); }
        measureSource.clear();
        measuring = new ol.interaction.Draw({source: measureSource, type: type});
        measuring.on("drawend", function (event) {
            const geom = event.feature.getGeometry().clone().transform("EPSG:3857", config.tm.code);
            if (type === "LineString") {
                const m = geom.getLength();
                out.textContent = m >= 1000 ? (m / 1000).toFixed(3) + " km" : m.toFixed(2) + " m";
            } else {
                const a = geom.getArea();
                out.textContent = a >= 10000 ? (a / 10000).toFixed(4) + " ha (" + a.toFixed(0) + " m²)" : a.toFixed(2) + " m²";
            }
            map.removeInteraction(measuring);
            setTimeout(function () { measuring = null; }, 0);
        });
        map.addInteraction(measuring);
    }
    document.getElementById("measure-line").addEventListener("click", function () { startMeasure("LineString"); });
    document.getElementById("measure-area").addEventListener("click", function () { startMeasure("Polygon"); });
})();
