/* Kent CBS map search box: search everywhere (/search/?q=…), results grouped by kind
   ("Şehit Er Caddesi No: 12", "Ada 123 Parsel 4", "Kamera KGYS-014 (10.2.3.4)", tickets,
   coordinates). A result zooms there and highlights the feature; records with a page also link
   to it. Texts are set with textContent; translated texts come from #map-texts. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
    const map = window.kentMap;
    const config = window.kentConfig;
    const input = document.getElementById("search");
    const results = document.getElementById("search-results");
    if (!map || !input) { return; }
    const texts = document.getElementById("map-texts").dataset;
    const marker = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({source: marker, zIndex: 50, style: new ol.style.Style({
        image: new ol.style.Circle({radius: 7, fill: new ol.style.Fill({color: "#ff6f00"}),
                                    stroke: new ol.style.Stroke({color: "#fff", width: 2})}),
    })}));
    window.kentSearchMarker = marker;

    function go(hit) {
        marker.clear();
        if (hit.bbox) {
            const extent = ol.proj.transformExtent(hit.bbox, "EPSG:4326", "EPSG:3857");
            map.getView().fit(ol.extent.buffer(extent, 30), {maxZoom: hit.layer ? 19 : 18, duration: 300});
        }
        if (hit.extra && hit.extra.point) {
            marker.addFeature(new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat(hit.extra.point))));
        }
        if (hit.layer && window.kentLayers[hit.layer]) {
            window.kentLayers[hit.layer].setVisible(true);
            const box = document.getElementById("layer-" + hit.layer);
            if (box) { box.checked = true; }
            if (window.kentSelect) { window.kentSelect(hit.layer, hit.id); }
        } else if (!hit.bbox && hit.url) {
            window.location.href = hit.url;
        }
    }

    function show(groups) {
        results.replaceChildren();
        if (!groups.length) {
            const li = document.createElement("li");
            li.className = "search-empty small text-muted";
            li.textContent = texts.noResults;
            results.appendChild(li);
            return;
        }
        groups.forEach(function (group) {
            const heading = document.createElement("li");
            heading.className = "search-group";
            heading.setAttribute("role", "presentation");
            heading.textContent = group.title;
            results.appendChild(heading);
            group.results.forEach(function (hit) {
                const li = document.createElement("li");
                li.className = "search-hit";
                li.tabIndex = 0;
                li.dataset.kind = hit.kind;
                if (hit.layer) { li.dataset.layer = hit.layer; }
                const label = document.createElement("span");
                label.className = "search-label";
                label.textContent = hit.label;
                li.appendChild(label);
                if (hit.detail) {
                    const detail = document.createElement("span");
                    detail.className = "search-detail";
                    detail.textContent = hit.detail;
                    li.appendChild(detail);
                }
                if (hit.url) {
                    const link = document.createElement("a");
                    link.href = hit.url;
                    link.className = "search-link";
                    link.textContent = "↗";
                    link.title = texts.openPage;
                    link.setAttribute("aria-label", texts.openPage + ": " + hit.label);
                    link.addEventListener("click", function (e) { e.stopPropagation(); });
                    li.appendChild(link);
                }
                li.addEventListener("click", function () { go(hit); });
                li.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(hit); } });
                results.appendChild(li);
            });
        });
    }

    let timer = null, asked = 0;
    document.getElementById("search-form").addEventListener("submit", function (e) {
        e.preventDefault();
        const first = results.querySelector(".search-hit");
        if (first) { first.click(); }
    });
    input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
            const text = input.value.trim();
            if (text.length < 2) { results.replaceChildren(); marker.clear(); return; }
            const mine = ++asked;
            fetch(config.searchUrl + "?q=" + encodeURIComponent(text),
                  {credentials: "same-origin", headers: {"Accept-Language": document.documentElement.lang || "tr"}})
                .then(function (r) { return r.json(); })
                .then(function (data) { if (mine === asked) { show(data.groups || []); } });
        }, 250);
    });
});
