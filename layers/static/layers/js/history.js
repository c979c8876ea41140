/* History page: before (red) and after (green) geometry of the chosen version on a small map
   over the city base map (cbs/js/kentmap.js). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
    const versions = JSON.parse(document.getElementById("history-geometries").textContent);
    const format = new ol.format.GeoJSON({dataProjection: "EPSG:4326", featureProjection: "EPSG:3857"});
    const style = function (color, dash) {
        return new ol.style.Style({
            stroke: new ol.style.Stroke({color: color, width: 3, lineDash: dash}),
            fill: new ol.style.Fill({color: "rgba(0,0,0,0.05)"}),
            image: new ol.style.Circle({radius: 6, stroke: new ol.style.Stroke({color: color, width: 3})}),
        });
    };
    const before = new ol.source.Vector(), after = new ol.source.Vector();
    // The shared map: the city base map (streets, door numbers) under the two versions.
    const km = KentMap.create(document.getElementById("diff-map"), {layers: [], identify: false});
    const map = km.map;
    map.addLayer(new ol.layer.Vector({source: before, style: style("#d62728", [6, 4]), zIndex: 10}));
    map.addLayer(new ol.layer.Vector({source: after, style: style("#2ca02c"), zIndex: 11}));
    window.kentHistoryMap = map;
    function show(index) {
        before.clear(); after.clear();
        const v = versions[index];
        if (!v) { return; }
        if (v.before) { before.addFeature(new ol.Feature(format.readGeometry(v.before))); }
        if (v.after) { after.addFeature(new ol.Feature(format.readGeometry(v.after))); }
        const extent = ol.extent.createEmpty();
        [before, after].forEach(function (s) { if (s.getFeatures().length) { ol.extent.extend(extent, s.getExtent()); } });
        if (!ol.extent.isEmpty(extent)) { map.getView().fit(ol.extent.buffer(extent, 20), {maxZoom: 20}); }
    }
    document.querySelectorAll(".version-row").forEach(function (row) {
        row.addEventListener("click", function () { show(Number(row.dataset.index)); });
        row.addEventListener("keydown", function (event) {
            if ((event.key === "Enter" || event.key === " ") && event.target === row) {
                event.preventDefault();
                show(Number(row.dataset.index));
            }
        });
    });
    show(versions.length - 1);
});
