/* Starts Django's MapWidget for every geometry field on the page (no inline script: CSP). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".cbs-map-widget").forEach(function (wrapper) {
        const options = JSON.parse(document.getElementById(wrapper.dataset.optionsId).textContent);
        // Base map only when one is configured: municipal networks are often closed.
        options.base_layer = options.base_url
            ? new ol.layer.Tile({source: new ol.source.XYZ({url: options.base_url})})
            : new ol.layer.Vector({source: new ol.source.Vector()});
        window["geodjango_" + options.name] = new MapWidget(options);
    });
});
