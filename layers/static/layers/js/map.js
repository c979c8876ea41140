/* Kent CBS main map, on the shared map module (cbs/js/kentmap.js): layer tree with legends,
   base maps, identify panel and pointer coordinates in the TM zone (search: map_search.js,
   measuring: measure.js, attribute table: attribute_table.js, print: print.js – all hook in
   through the globals set here). Attribute values are always set with textContent (never as
   HTML). No inline script: configuration comes from #map-config. */
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

    // Time from navigation start to the first complete render (read by `make bench`).
    map.once("rendercomplete", function () { window.kentFirstRender = performance.now(); });
    window.KentMain = km;  // the shared map object of this page (attribute table, print … hook here)
    window.kentMap = map;  // for the editor, tests and the browser console
    window.kentLayers = layersByName;
    window.kentConfig = config;
    window.kentSelect = select;
    // Highlight several features of one layer (the attribute table's selected rows); null/[] clears.
    window.kentHighlight = km.highlight;

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
    // Clicks belong to a drawing tool while it is drawing, and so do the clicks pressed before it
    // ended (the closing double-click), however late the browser reports them.
    km.busy = function (event) {
        if (window.kentMeasuring || window.kentEditing) { return true; }
        const ended = window.kentDrawTools ? window.kentDrawTools.endedAt : -Infinity;
        return Boolean(event && event.originalEvent && event.originalEvent.timeStamp <= ended);
    };

})();
