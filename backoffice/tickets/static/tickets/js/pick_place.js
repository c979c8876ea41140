/* New ticket: click the map to mark the place, or click a camera / device / site to link it. */
(function () {
    "use strict";
    const config = JSON.parse(document.getElementById("map-config").textContent);
    const $ = function (id) { return document.getElementById(id); };
    const LINKS = {"kh-kamera": "id_camera", "ay-cihaz": "id_device", "ay-lokasyon": "id_site"};
    // The shared map (base map with streets, door numbers and buildings) and the linkable assets.
    const km = KentMap.create($("pick-map"), {config: config, layers: Object.keys(LINKS), identify: false,
                                              listPanel: true, visibleAll: true});
    const map = km.map;
    const mark = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({source: mark, zIndex: 50, style: new ol.style.Style({
        image: new ol.style.Circle({radius: 9, stroke: new ol.style.Stroke({color: "#d00", width: 3})})})}));
    window.kentPickMap = map;
    window.KentPick = km;
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

    // A click on a camera / device / site links it; when several share the place (four cameras
    // on one pole) the user chooses from a list, never the map at random.
    function link(coordinate, hit) {
        Object.values(LINKS).forEach(function (id) { if ($(id)) { $(id).value = ""; } });
        const lonlat = ol.proj.toLonLat(coordinate);
        $("id_lon").value = lonlat[0].toFixed(7);
        $("id_lat").value = lonlat[1].toFixed(7);
        if (hit && $(LINKS[hit.layer])) {  // the self-service form links no assets
            $(LINKS[hit.layer]).value = hit.id;
            km.select(hit.layer, hit.id);
            show(coordinate, hit.layer_title + ": " + hit.label + " #" + hit.id);
        } else {
            km.select(null, null);
            show(coordinate, lonlat[1].toFixed(6) + ", " + lonlat[0].toFixed(6));
        }
    }
    map.on("singleclick", function (event) {
        const coordinate = event.coordinate;
        km.identifyAt(event.pixel, Object.keys(LINKS)).then(function (hits) {
            if (hits.length <= 1) {
                km.closePanel();
                link(coordinate, hits[0] || null);
                return;
            }
            link(coordinate, null);
            km.showList(config.text.here.replace("%(count)s", hits.length), hits.map(function (hit) {
                return Object.assign({}, hit, {onSelect: function () { link(coordinate, hit); km.closePanel(); km.select(hit.layer, hit.id); }});
            }));
        });
    });
})();
