/* Starts Django's MapWidget for every geometry field on the page (no inline script: CSP).
   "Delete all Features" asks first (confirm.js and the widget's own dialog). */
"use strict";

// Runs before Django's own click handler on the link (a capturing listener on the target runs
// first) and lets it through only after a "yes".
function askBeforeClearing(wrapper, dialogId) {
    const link = wrapper.querySelector(".clear_features a");
    if (!link || !window.kentConfirm) { return; }
    const dialog = document.getElementById(dialogId);
    dialog.querySelectorAll("button[value]").forEach(function (button) {
        button.addEventListener("click", function () { dialog.close(button.value); });
    });
    let confirmed = false;
    link.addEventListener("click", function (event) {
        if (confirmed) { confirmed = false; return; }
        event.preventDefault();
        event.stopImmediatePropagation();
        window.kentConfirm(dialogId).then(function (yes) {
            if (yes) { confirmed = true; link.click(); }
        });
    }, true);
}
document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".cbs-map-widget").forEach(function (wrapper) {
        const options = JSON.parse(document.getElementById(wrapper.dataset.optionsId).textContent);
        // Base map only when one is configured: municipal networks are often closed.
        options.base_layer = options.base_url
            ? new ol.layer.Tile({source: new ol.source.XYZ({url: options.base_url})})
            : new ol.layer.Vector({source: new ol.source.Vector()});
        window["geodjango_" + options.name] = new MapWidget(options);
        askBeforeClearing(wrapper, options.id + "_confirm_clear");
    });
});
