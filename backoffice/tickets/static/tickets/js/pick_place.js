/* New ticket: click the map to mark the place, or click a camera / device / site to link it. */
(function () {
    "use strict";
    const config = JSON.parse(document.getElementById("map-config").textContent);
    const $ = function (id) { return document.getElementById(id); };
    const LINKS = {"kh-kamera": "id_camera", "ay-cihaz": "id_device", "ay-lokasyon": "id_site"};
    const SHOWN = ["id-mahalle", "ad-yol", "bi-bina", "ay-lokasyon", "ay-cihaz", "kh-kamera"];
    const layers = [];
    config.themes.forEach(function (theme) {
        theme.layers.forEach(function (l) {
            if (SHOWN.indexOf(l.name) < 0) { return; }
            const style = new ol.style.Style({
                stroke: new ol.style.Stroke({color: l.color, width: 1}),
                image: new ol.style.Circle({radius: 5, fill: new ol.style.Fill({color: l.color})}),
            });
            const layer = new ol.layer.VectorTile({source: new ol.source.VectorTile({
                format: new ol.format.MVT(), url: l.tiles, maxZoom: 20}), style: style, minZoom: l.minZoom});
            layer.set("cbsName", l.name);
            layers.push(layer);
        });
    });
    const mark = new ol.source.Vector();
    layers.push(new ol.layer.Vector({source: mark, style: new ol.style.Style({
        image: new ol.style.Circle({radius: 9, stroke: new ol.style.Stroke({color: "#d00", width: 3})})})}));
    const map = new ol.Map({target: "pick-map", layers: layers, view: new ol.View({maxZoom: 21})});
    map.getView().fit(ol.proj.transformExtent(config.bbox, "EPSG:4326", "EPSG:3857"));
    window.kentPickMap = map;
    function show(coordinate, text) {
        mark.clear();
        mark.addFeature(new ol.Feature(new ol.geom.Point(coordinate)));
        $("pick-result").textContent = text;
    }
    // Values kept after a refused submit are shown again.
    if ($("id_lon").value && $("id_lat").value) {
        const c = ol.proj.fromLonLat([Number($("id_lon").value), Number($("id_lat").value)]);
        show(c, $("id_lon").value + ", " + $("id_lat").value);
        map.getView().setCenter(c);
        map.getView().setZoom(17);
    }
    // Address search (the map's own search: road + door number, building id, mahalle …): a hit
    // marks its place and fills the address; the user may still click to refine.
    let timer = null;
    $("pick-search").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    $("pick-search").addEventListener("input", function () {
        clearTimeout(timer);
        const q = $("pick-search").value.trim();
        timer = setTimeout(function () {
            if (q.length < 2) { $("pick-search-results").replaceChildren(); return; }
            fetch(config.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
                .then(function (r) { return r.json(); })
                .then(function (data) {
                    $("pick-search-results").replaceChildren();
                    // Search everywhere answers in groups; places (not other tickets) are picked.
                    const hits = [].concat.apply([], (data.groups || []).map(function (g) { return g.results; }))
                        .filter(function (hit) { return hit.bbox && hit.kind !== "ticket"; });
                    hits.slice(0, 8).forEach(function (hit) {
                        const li = document.createElement("li");
                        const a = document.createElement("a");
                        a.href = "#";
                        a.textContent = hit.label;
                        a.addEventListener("click", function (e) {
                            e.preventDefault();
                            const box = ol.proj.transformExtent(hit.bbox, "EPSG:4326", "EPSG:3857");
                            const centre = ol.extent.getCenter(box);
                            const lonlat = ol.proj.toLonLat(centre);
                            $("id_lon").value = lonlat[0].toFixed(7);
                            $("id_lat").value = lonlat[1].toFixed(7);
                            if (!$("id_address").value) { $("id_address").value = hit.label; }
                            show(centre, hit.label);
                            map.getView().fit(box, {maxZoom: 18, duration: 250});
                        });
                        li.appendChild(a);
                        $("pick-search-results").appendChild(li);
                    });
                });
        }, 250);
    });

    // The topmost camera / device / site under the click (each layer's own hit detection).
    const linkLayers = layers.filter(function (l) { return LINKS[l.get("cbsName")]; }).reverse();
    function linkedAt(pixel) {
        return Promise.all(linkLayers.map(function (l) { return l.getFeatures(pixel); })).then(function (found) {
            for (let i = 0; i < found.length; i++) {
                if (found[i].length) { return {layer: linkLayers[i].get("cbsName"), feature: found[i][0]}; }
            }
            return null;
        });
    }
    map.on("singleclick", function (event) {
        const coordinate = event.coordinate;
        linkedAt(event.pixel).then(function (hit) {
            Object.values(LINKS).forEach(function (id) { if ($(id)) { $(id).value = ""; } });
            const lonlat = ol.proj.toLonLat(coordinate);
            $("id_lon").value = lonlat[0].toFixed(7);
            $("id_lat").value = lonlat[1].toFixed(7);
            if (hit && $(LINKS[hit.layer])) {  // the self-service form links no assets
                $(LINKS[hit.layer]).value = hit.feature.getId();
                show(coordinate, (hit.feature.get("adi") || hit.feature.get("kod") || "") + " #" + hit.feature.getId());
            } else {
                show(coordinate, lonlat[1].toFixed(6) + ", " + lonlat[0].toFixed(6));
            }
        });
    });
})();
