/* Kent CBS measuring in the TM zone (not in Web Mercator): length in m/km, area in m²/ha, drawn
   on the map next to the line or area and written in the sidebar. The closing double-click does
   not zoom; Esc cancels; Backspace / Ctrl+Z removes the last point (shortcuts.js). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
    const map = window.kentMap;
    const config = window.kentConfig;
    if (!map) { return; }
    const texts = document.getElementById("map-texts").dataset;
    const out = document.getElementById("measure-result");
    const source = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({source: source, zIndex: 60, style: new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#d62728", width: 2, lineDash: [6, 4]}),
        fill: new ol.style.Fill({color: "rgba(214,39,40,0.1)"}),
        image: new ol.style.Circle({radius: 4, fill: new ol.style.Fill({color: "#d62728"})}),
    })}));
    const label = document.createElement("div");
    label.className = "measure-label";
    label.id = "measure-label";
    const overlay = new ol.Overlay({element: label, offset: [10, -10], positioning: "bottom-left", stopEvent: false});
    map.addOverlay(overlay);
    let draw = null;

    function length(m) { return m >= 1000 ? (m / 1000).toFixed(3) + " km" : m.toFixed(2) + " m"; }
    function area(a) { return a >= 10000 ? (a / 10000).toFixed(4) + " ha (" + a.toFixed(0) + " m²)" : a.toFixed(2) + " m²"; }
    function measured(geometry) {
        const tm = geometry.clone().transform("EPSG:3857", config.tm.code);
        return geometry.getType() === "Polygon" ? area(tm.getArea()) : length(tm.getLength());
    }
    function place(geometry) {
        return geometry.getType() === "Polygon" ? geometry.getInteriorPoint().getCoordinates().slice(0, 2)
            : geometry.getLastCoordinate();
    }
    function showOnMap(geometry) {
        const template = geometry.getType() === "Polygon" ? texts.area : texts.length;
        label.textContent = template.replace("{value}", measured(geometry));
        const at = place(geometry);
        // Near the right edge the label goes to the left of the point, so that it stays readable.
        const pixel = map.getPixelFromCoordinate(at);
        const right = pixel && pixel[0] > map.getSize()[0] - 200;
        overlay.setPositioning(right ? "bottom-right" : "bottom-left");
        overlay.setOffset(right ? [-10, -10] : [10, -10]);
        overlay.setPosition(at);
    }
    function stop() {
        if (draw) { map.removeInteraction(draw); window.kentDrawTools.detach(draw); draw = null; }
        // The closing double-click's clicks were pressed before the drawing ended (detach notes
        // when): the map's identify skips them by their time, not by a timer of ours.
        window.kentMeasuring = false;
    }
    function start(type) {
        stop();
        source.clear();
        overlay.setPosition(undefined);
        out.textContent = type === "LineString" ? texts.measureHintLine : texts.measureHintArea;
        window.kentMeasuring = true;
        draw = new ol.interaction.Draw({source: source, type: type});
        draw.on("drawstart", function (event) {
            source.clear();
            event.feature.getGeometry().on("change", function (e) { showOnMap(e.target); });
        });
        draw.on("drawend", function (event) {
            const geometry = event.feature.getGeometry();
            showOnMap(geometry);
            out.textContent = measured(geometry);
            stop();
        });
        map.addInteraction(draw);
        window.kentDrawTools.attach(draw, function () {
            source.clear();
            overlay.setPosition(undefined);
            out.textContent = texts.measureCancelled;
            stop();
        });
    }
    document.getElementById("measure-line").addEventListener("click", function () { start("LineString"); });
    document.getElementById("measure-area").addEventListener("click", function () { start("Polygon"); });
});
