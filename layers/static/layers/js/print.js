/* Print panel of the map page: sends the map's centre (in the TM zone), the layers switched on
   and the form's choices to /map/print/, which answers with a PDF in a new tab. The scale list
   opens at the offered scale nearest to what the map shows. */
"use strict";

(function () {
    const form = document.getElementById("print-form");
    if (!form) { return; }
    const panel = document.getElementById("print-panel");

    function mapScale(map) {
        const view = map.getView();
        const center = view.getCenter();
        const resolution = ol.proj.getPointResolution(view.getProjection(), view.getResolution(), center);
        return resolution / 0.00028;  // OGC's standard 0.28 mm pixel
    }

    panel.addEventListener("toggle", function () {
        if (!panel.open || !window.kentMap) { return; }
        const scale = mapScale(window.kentMap);
        const select = form.elements.scale;
        let best = select.options[0];
        Array.from(select.options).forEach(function (o) {
            if (Math.abs(Math.log(o.value / scale)) < Math.abs(Math.log(best.value / scale))) { best = o; }
        });
        best.selected = true;
    });

    form.addEventListener("submit", function () {
        const map = window.kentMap;
        const config = window.kentConfig;
        const tm = ol.proj.transform(map.getView().getCenter(), map.getView().getProjection(), config.tm.code);
        form.elements.x.value = tm[0].toFixed(2);
        form.elements.y.value = tm[1].toFixed(2);
        const on = Object.keys(window.kentLayers).filter(function (name) {
            return window.kentLayers[name].getVisible();
        });
        form.elements.layers.value = on.join(",");
    });
})();
