/* On the map page: the sidebar as a drawer on phones, the device position with its accuracy
   circle ("Konumum", Geolocation API) and "Yakınımda" – assets and tickets within a chosen radius,
   nearest first, from the server (ST_DWithin). Texts come translated from data-* attributes;
   values are set with textContent. Needs window.kentMap (map.js). */
"use strict";

(function () {
    function $(id) { return document.getElementById(id); }

    function setupDrawer() {
        const shell = $("map-shell"), toggle = $("drawer-toggle");
        if (!shell || !toggle) {
            return;
        }
        function setOpen(open) {
            shell.classList.toggle("drawer-open", open);
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
            if (window.kentMap) {
                window.setTimeout(function () { window.kentMap.updateSize(); }, 250);
            }
        }
        toggle.addEventListener("click", function () { setOpen(!shell.classList.contains("drawer-open")); });
        document.addEventListener("keydown", function (e) {
            if (e.key === "Escape" && shell.classList.contains("drawer-open")) {
                setOpen(false);
                toggle.focus();
            }
        });
        // A search hit or a tool chosen on a phone: close the drawer so the map shows the result.
        $("search-results") && $("search-results").addEventListener("click", function () { setOpen(false); });
    }

    function setupLocate(map) {
        const button = $("locate-me"), status = $("locate-status");
        const source = new ol.source.Vector();
        const accuracyStyle = new ol.style.Style({
            fill: new ol.style.Fill({color: "rgba(13,110,253,0.12)"}),
            stroke: new ol.style.Stroke({color: "rgba(13,110,253,0.6)", width: 1}),
        });
        const pointStyle = new ol.style.Style({image: new ol.style.Circle({
            radius: 8, fill: new ol.style.Fill({color: "#0d6efd"}),
            stroke: new ol.style.Stroke({color: "#fff", width: 3})})});
        const layer = new ol.layer.Vector({source: source, zIndex: 1000});
        layer.set("cbsLocate", true);
        map.addLayer(layer);
        const accuracyFeature = new ol.Feature();
        accuracyFeature.setStyle(accuracyStyle);
        const positionFeature = new ol.Feature();
        positionFeature.setStyle(pointStyle);
        source.addFeatures([accuracyFeature, positionFeature]);

        let watch = null, centred = false;
        const state = {lonlat: null, accuracy: null, listeners: []};

        function say(text) {
            status.textContent = text;
            status.hidden = !text;
        }
        function onPosition(pos) {
            const lonlat = [pos.coords.longitude, pos.coords.latitude];
            state.lonlat = lonlat;
            state.accuracy = pos.coords.accuracy;
            // The accuracy circle drawn true to the ground (a geodesic circle, then to the view).
            const circle = ol.geom.Polygon.circular(lonlat, Math.max(pos.coords.accuracy, 1), 64);
            accuracyFeature.setGeometry(circle.transform("EPSG:4326", map.getView().getProjection()));
            positionFeature.setGeometry(new ol.geom.Point(ol.proj.fromLonLat(lonlat)));
            say(status.dataset.msgAccuracy.replace("ACC", Math.round(pos.coords.accuracy)));
            if (!centred) {
                centred = true;
                map.getView().animate({center: ol.proj.fromLonLat(lonlat), zoom: Math.max(map.getView().getZoom(), 17)});
            }
            state.listeners.splice(0).forEach(function (fn) { fn(); });
        }
        function onError(err) {
            say(err.code === 1 ? status.dataset.msgDenied : status.dataset.msgUnavailable);
            stop();
        }
        function start() {
            if (!navigator.geolocation) {
                say(status.dataset.msgUnavailable);
                return;
            }
            centred = false;
            button.setAttribute("aria-pressed", "true");
            button.classList.add("active");
            watch = navigator.geolocation.watchPosition(onPosition, onError,
                                                        {enableHighAccuracy: true, maximumAge: 10000, timeout: 30000});
        }
        function stop() {
            if (watch !== null) {
                navigator.geolocation.clearWatch(watch);
            }
            watch = null;
            button.setAttribute("aria-pressed", "false");
            button.classList.remove("active");
        }
        button.addEventListener("click", function () {
            if (watch === null) {
                start();
            } else {
                stop();
                accuracyFeature.setGeometry(null);
                positionFeature.setGeometry(null);
                state.lonlat = null;
                say("");
            }
        });
        // Resolves with the position; starts watching if "Konumum" is off.
        state.whenKnown = function (fn) {
            if (state.lonlat) {
                fn();
                return;
            }
            state.listeners.push(fn);
            if (watch === null) {
                start();
            }
        };
        window.kentLocation = state;  // for tests and the console
        return state;
    }

    function setupNear(map, position) {
        const panel = $("near-panel"), open = $("near-me-open");
        if (!panel || !open) {
            return;
        }
        const list = $("near-results"), summary = $("near-summary"), radius = $("near-radius");
        const marks = new ol.source.Vector();
        map.addLayer(new ol.layer.Vector({source: marks, zIndex: 999, style: new ol.style.Style({
            image: new ol.style.RegularShape({points: 4, radius: 9, angle: Math.PI / 4,
                fill: new ol.style.Fill({color: "#fd7e14"}), stroke: new ol.style.Stroke({color: "#fff", width: 2})})})}));

        function load() {
            summary.textContent = panel.dataset.msgWait;
            position.whenKnown(function () {
                const lonlat = position.lonlat;
                const url = panel.dataset.url + "?lon=" + lonlat[0].toFixed(6) + "&lat=" + lonlat[1].toFixed(6)
                    + "&r=" + encodeURIComponent(radius.value);
                fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
                    .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
                    .then(function (res) {
                        list.replaceChildren();
                        marks.clear();
                        if (!res.ok) {
                            summary.textContent = res.body.error || "";
                            return;
                        }
                        const rows = res.body.results;
                        summary.textContent = rows.length ? panel.dataset.msgCount.replace("ACC", Math.round(position.accuracy))
                            : panel.dataset.msgNone;
                        rows.forEach(function (row) {
                            const li = document.createElement("li");
                            li.className = "near-row";
                            const a = document.createElement("a");
                            a.href = row.url;
                            a.textContent = row.title;
                            const meta = document.createElement("span");
                            meta.className = "text-muted d-block";
                            meta.textContent = row.kind_label + (row.status ? " · " + row.status : "") + " · "
                                + (row.distance < 1000 ? Math.round(row.distance) + " m"
                                                       : (row.distance / 1000).toFixed(2) + " km");
                            const dist = document.createElement("span");
                            dist.className = "near-distance";
                            dist.dataset.metres = String(row.distance);
                            li.append(a, meta, dist);
                            list.append(li);
                            marks.addFeature(new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat([row.lon, row.lat]))));
                        });
                    });
            });
        }
        open.addEventListener("click", function () {
            panel.hidden = false;
            load();
        });
        radius.addEventListener("change", load);
        $("near-close").addEventListener("click", function () {
            panel.hidden = true;
            marks.clear();
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        setupDrawer();
        if (!window.kentMap) {
            return;
        }
        const position = setupLocate(window.kentMap);
        setupNear(window.kentMap, position);
    });
})();
