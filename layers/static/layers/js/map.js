/* Kent CBS map: vector tiles from our OGC API, layer tree, pointer coordinates in the TM zone
   and an attribute panel (search: map_search.js, measuring: measure.js). Attribute values are always set
   with textContent (never as HTML). No inline script: configuration comes from #map-config. */
"use strict";

(function () {
    const config = JSON.parse(document.getElementById("map-config").textContent);
    proj4.defs(config.tm.code, config.tm.proj4);
    ol.proj.proj4.register(proj4);

    const selection = {layer: null, id: null};
    const highlighted = {layer: null, ids: new Set()};  // the attribute table's selected rows
    const layersByName = {};

    function hexToRgba(hex, alpha) {
        const n = parseInt(hex.slice(1), 16);
        return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
    }

    function styleFor(layer) {
        const stroke = new ol.style.Stroke({color: layer.color, width: layer.geometry.includes("Line") ? 2 : 1});
        const fill = new ol.style.Fill({color: hexToRgba(layer.color, 0.2)});
        const normal = new ol.style.Style({
            stroke: stroke, fill: fill,
            image: new ol.style.Circle({radius: 4, fill: new ol.style.Fill({color: layer.color}),
                                        stroke: new ol.style.Stroke({color: "#fff", width: 1})}),
        });
        const highlight = new ol.style.Style({
            stroke: new ol.style.Stroke({color: "#00e5ff", width: 4}),
            fill: new ol.style.Fill({color: "rgba(0,229,255,0.35)"}),
            image: new ol.style.Circle({radius: 8, fill: new ol.style.Fill({color: "#00e5ff"}),
                                        stroke: new ol.style.Stroke({color: "#000", width: 1})}),
        });
        return function (feature) {
            const hit = (selection.layer === layer.name && String(feature.getId()) === String(selection.id)) ||
                (highlighted.layer === layer.name && highlighted.ids.has(String(feature.getId())));
            return hit ? highlight : normal;
        };
    }

    const baseLayers = [];
    if (config.basemap) {
        baseLayers.push(new ol.layer.Tile({source: new ol.source.XYZ({url: config.basemap})}));
    }
    const dataLayers = [];
    config.themes.forEach(function (theme) {
        theme.layers.forEach(function (layer) {
            const vt = new ol.layer.VectorTile({
                source: new ol.source.VectorTile({
                    format: new ol.format.MVT(),  // feature id = tucbsNo (ST_AsMVT feature_id_name)
                    url: layer.tiles,
                    maxZoom: 20,
                }),
                style: styleFor(layer),
                minZoom: layer.minZoom,
                visible: layer.visible,
                declutter: false,
            });
            vt.set("cbsLayer", layer);
            layersByName[layer.name] = vt;
            dataLayers.push(vt);
        });
    });
    // Draw areas under lines under points.
    dataLayers.sort(function (a, b) {
        const rank = function (l) { const g = l.get("cbsLayer").geometry; return g.includes("Polygon") ? 0 : g.includes("Line") ? 1 : 2; };
        return rank(a) - rank(b);
    });

    const map = new ol.Map({
        target: "map",
        layers: baseLayers.concat(dataLayers),
        view: new ol.View({center: [0, 0], zoom: 2, maxZoom: 21}),
        controls: ol.control.defaults.defaults({attribution: false}).extend([new ol.control.ScaleLine()]),
    });
    // Time from navigation start to the first complete render (read by `make bench`).
    map.once("rendercomplete", function () { window.kentFirstRender = performance.now(); });
    window.kentMap = map;  // for the editor, tests and the browser console
    window.kentLayers = layersByName;
    window.kentConfig = config;

    function homeExtent() {
        return ol.proj.transformExtent(config.bbox, "EPSG:4326", "EPSG:3857");
    }
    map.getView().fit(homeExtent());
    document.getElementById("zoom-home").addEventListener("click", function () {
        map.getView().fit(homeExtent(), {duration: 300});
    });

    // --- layer tree ---------------------------------------------------------------------------
    const tree = document.getElementById("layer-tree");
    config.themes.forEach(function (theme) {
        const title = document.createElement("div");
        title.className = "theme-title";
        title.textContent = theme.code + " – " + theme.title;
        tree.appendChild(title);
        theme.layers.forEach(function (layer) {
            const row = document.createElement("div");
            row.className = "layer-row";
            const box = document.createElement("input");
            box.type = "checkbox";
            box.checked = layer.visible;
            box.id = "layer-" + layer.name;
            box.addEventListener("change", function () { layersByName[layer.name].setVisible(box.checked); });
            const swatch = document.createElement("span");
            swatch.className = "legend-swatch";
            swatch.style.borderColor = layer.color;
            swatch.style.background = hexToRgba(layer.color, 0.25);
            const label = document.createElement("label");
            label.htmlFor = box.id;
            label.textContent = layer.title;
            label.className = "flex-grow-1";
            const opacity = document.createElement("input");
            opacity.type = "range";
            opacity.min = "0"; opacity.max = "1"; opacity.step = "0.1"; opacity.value = "1";
            opacity.title = layer.name;
            opacity.addEventListener("input", function () { layersByName[layer.name].setOpacity(Number(opacity.value)); });
            row.append(box, swatch, label, opacity);
            tree.appendChild(row);
        });
    });

    // --- pointer coordinates (TM zone and lon/lat) ----------------------------------------------
    const tmOut = document.getElementById("pointer-tm");
    const llOut = document.getElementById("pointer-lonlat");
    map.on("pointermove", function (event) {
        const tm = ol.proj.transform(event.coordinate, "EPSG:3857", config.tm.code);
        const ll = ol.proj.toLonLat(event.coordinate);
        tmOut.textContent = config.tm.code + " Y(E) " + tm[0].toFixed(2) + "  X(N) " + tm[1].toFixed(2);
        llOut.textContent = ll[1].toFixed(6) + "°N " + ll[0].toFixed(6) + "°E";
    });

    // --- attribute panel ------------------------------------------------------------------------
    const panel = document.getElementById("feature-panel");
    function showFeature(layerName, feature) {
        const props = feature.getProperties();
        const layer = layersByName[layerName].get("cbsLayer");
        document.getElementById("feature-title").textContent = layer.title + " #" + feature.getId();
        const body = document.getElementById("feature-attributes");
        body.replaceChildren();
        Object.keys(props).forEach(function (key) {
            if (key === "geometry" || key === "layer") { return; }
            const row = document.createElement("tr");
            const th = document.createElement("th");
            const td = document.createElement("td");
            th.textContent = key;
            td.textContent = props[key] === null || props[key] === undefined ? "" : String(props[key]);
            row.append(th, td);
            body.appendChild(row);
        });
        document.getElementById("feature-history").href =
            config.historyUrl.replace("LAYER", layerName).replace("ID", String(feature.getId()));
        panel.hidden = false;
    }
    function select(layerName, id) {
        selection.layer = layerName;
        selection.id = id;
        Object.values(layersByName).forEach(function (l) { l.changed(); });
    }
    document.getElementById("feature-close").addEventListener("click", function () {
        panel.hidden = true;
        select(null, null);
    });
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
    window.kentSelect = select;
    // Highlight several features of one layer (attribute_table.js); null/[] clears.
    window.kentHighlight = function (layerName, ids) {
        highlighted.layer = layerName;
        highlighted.ids = new Set((ids || []).map(String));
        Object.values(layersByName).forEach(function (l) { l.changed(); });
    };
    map.on("singleclick", function (event) {
        if (window.kentMeasuring || window.kentEditing) { return; }
        featureAt(event.pixel).then(function (found) {
            if (found) {
                select(found.layer, found.feature.getId());
                showFeature(found.layer, found.feature);
            }
        });
    });

    // Search: map_search.js; measuring: measure.js (they use window.kentMap).
})();
