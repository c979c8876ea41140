/* Asset map tools on the map shell: filters with faulty assets highlighted, camera view sectors,
   "what is near here", "which cameras see this point" and outage impact. */
(function () {
    "use strict";
    const config = JSON.parse(document.getElementById("map-config").textContent).assets;
    const map = window.kentMap;
    const layers = window.kentLayers;
    const $ = function (id) { return document.getElementById(id); };
    const result = $("asset-result");
    const ASSET_LAYERS = ["ay-lokasyon", "ay-cihaz", "kh-kamera", "ay-fiber"];
    const KIND = {"ay-lokasyon": "lokasyon", "ay-cihaz": "cihaz", "kh-kamera": "kamera", "ay-fiber": "fiber"};

    // --- filters and faulty highlight (on the vector tiles' own properties) -----------------------
    const faulty = new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#ff0000", width: 4}),
        image: new ol.style.Circle({radius: 7, fill: new ol.style.Fill({color: "#ff0000"}),
                                    stroke: new ol.style.Stroke({color: "#000", width: 2})}),
    });
    ASSET_LAYERS.forEach(function (name) {
        const layer = layers[name];
        if (!layer) { return; }
        const base = layer.getStyle();
        layer.setStyle(function (feature, resolution) {
            const type = $("asset-filter-type").value, status = $("asset-filter-status").value;
            if (type && feature.get("tur") !== type) { return null; }
            if (status && feature.get("durum") !== status) { return null; }
            return feature.get("durum") === "arizali" ? faulty : base(feature, resolution);
        });
    });
    ["asset-filter-type", "asset-filter-status"].forEach(function (id) {
        $(id).addEventListener("change", function () { ASSET_LAYERS.forEach(function (n) { if (layers[n]) { layers[n].changed(); } }); });
    });

    // --- camera view sectors (GeoJSON built by PostGIS) ---------------------------------------------
    const geojson = new ol.format.GeoJSON({featureProjection: "EPSG:3857"});
    const sectors = new ol.source.Vector();
    const sectorLayer = new ol.layer.Vector({source: sectors, minZoom: 14, style: function (f) {
        const bad = f.get("durum") === "arizali";
        return new ol.style.Style({
            stroke: new ol.style.Stroke({color: bad ? "#ff0000" : "#b2182b", width: 1}),
            fill: new ol.style.Fill({color: bad ? "rgba(255,0,0,0.08)" : "rgba(178,24,43,0.12)"}),
        });
    }});
    map.addLayer(sectorLayer);
    function loadSectors() {
        if (!$("asset-sectors").checked || map.getView().getZoom() < 14) { sectors.clear(); return; }
        const bbox = ol.proj.transformExtent(map.getView().calculateExtent(), "EPSG:3857", "EPSG:4326");
        fetch(config.sectors + "?bbox=" + bbox.map(function (v) { return v.toFixed(6); }).join(","), {credentials: "same-origin"})
            .then(function (r) { return r.json(); })
            .then(function (data) { sectors.clear(); sectors.addFeatures(geojson.readFeatures(data)); });
    }
    map.on("moveend", loadSectors);
    $("asset-sectors").addEventListener("change", loadSectors);

    // --- results: a list with links and highlighted places ------------------------------------------
    const marks = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({source: marks, zIndex: 100, style: new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#00e5ff", width: 3}),
        image: new ol.style.Circle({radius: 9, stroke: new ol.style.Stroke({color: "#00e5ff", width: 3})}),
    })}));
    window.kentAssetMarks = marks;  // for tests
    function assetLink(kind, id, text) {
        const a = document.createElement("a");
        a.href = config.assetUrl.replace("KIND", kind).replace("ID", id);
        a.textContent = text;
        return a;
    }
    function show(title, rows) {
        result.replaceChildren();
        const h = document.createElement("strong");
        h.textContent = title;
        result.appendChild(h);
        const ul = document.createElement("ul");
        ul.className = "list-unstyled";
        rows.forEach(function (row) {
            const li = document.createElement("li");
            li.appendChild(assetLink(row.kind, row.id, row.title));
            if (row.note) { li.appendChild(document.createTextNode(" · " + row.note)); }
            ul.appendChild(li);
        });
        result.appendChild(ul);
    }
    function mark(rows) {
        marks.clear();
        rows.forEach(function (row) {
            if (row.lon !== undefined) { marks.addFeature(new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat([row.lon, row.lat])))); }
        });
    }
    function getJson(url) {
        return fetch(url, {credentials: "same-origin"}).then(function (r) {
            return r.json().then(function (data) { if (!r.ok) { throw new Error(data.error || r.status); } return data; });
        }).catch(function (e) { result.textContent = e.message; throw e; });
    }

    // --- tools: one click on the map after choosing one ---------------------------------------------
    let tool = null;
    function choose(name) {
        tool = name;
        window.kentEditing = Boolean(name);  // the map's own feature popup waits meanwhile
        result.textContent = name ? $("tool-" + name).textContent : "";
    }
    ["near", "seeing", "outage"].forEach(function (name) {
        $("tool-" + name).addEventListener("click", function () { choose(name); });
    });
    function near(lonlat) {
        const r = $("tool-radius").value;
        return getJson(config.near + "?lon=" + lonlat[0] + "&lat=" + lonlat[1] + "&r=" + r).then(function (data) {
            mark(data.results);
            show(data.results.length + " / " + data.radius + " m", data.results.map(function (h) {
                return {kind: h.kind, id: h.id, title: h.title, note: h.distance_m + " m" + (h.status ? " · " + h.status : "")};
            }));
        });
    }
    $("tool-near-me").addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
            const lonlat = [pos.coords.longitude, pos.coords.latitude];
            map.getView().animate({center: ol.proj.fromLonLat(lonlat), zoom: 17});
            near(lonlat);
        }, function (err) { result.textContent = err.message; });
    });
    function outage(kind, id) {
        return getJson(config.outage + "?" + kind + "=" + id).then(function (data) {
            const all = data.devices.map(function (d) { return Object.assign({kind: "cihaz"}, d); })
                .concat(data.cameras.map(function (c) { return Object.assign({kind: "kamera"}, c); }))
                .concat(data.sites.map(function (s) { return Object.assign({kind: "lokasyon"}, s); }));
            mark(all);
            show(data.devices.length + " / " + data.cameras.length + " / " + data.sites.length, all.map(function (row) {
                return {kind: row.kind, id: row.id, title: row.title, note: row.mahalle};
            }));
            const table = document.createElement("table");
            table.className = "table table-sm small";
            table.id = "outage-per-mahalle";
            data.per_mahalle.forEach(function (m) {
                const tr = table.insertRow();
                [m.mahalle || "–", m.devices, m.cameras, m.sites].forEach(function (v) { tr.insertCell().textContent = v; });
            });
            result.prepend(table);
        });
    }
    window.kentOutage = outage;
    map.on("singleclick", function (event) {
        if (!tool) { return; }
        const lonlat = ol.proj.toLonLat(event.coordinate);
        if (tool === "near") { near(lonlat); }
        if (tool === "seeing") {
            getJson(config.seeing + "?lon=" + lonlat[0] + "&lat=" + lonlat[1]).then(function (data) {
                marks.clear();
                marks.addFeature(new ol.Feature(new ol.geom.Point(event.coordinate)));
                show(String(data.results.length), data.results.map(function (c) {
                    return {kind: "kamera", id: c.id, title: c.title, note: c.distance_m + " m"};
                }));
            });
        }
        if (tool === "outage") {
            window.kentFeatureAt(event.pixel, ["ay-cihaz", "ay-fiber"]).then(function (hit) {
                if (hit) { outage(hit.layer === "ay-fiber" ? "fiber" : "device", hit.feature.getId()); }
            });
        }
    });

    // Links from asset pages: ?outage=device:12 or ?focus=kh-kamera:3
    const params = new URLSearchParams(location.search);
    if (params.get("outage")) {
        const parts = params.get("outage").split(":");
        outage(parts[0], parts[1]);
    }
    if (params.get("focus")) {
        const parts = params.get("focus").split(":");
        getJson("/ogc/collections/" + parts[0] + "/items/" + parts[1]).then(function (f) {
            const feature = geojson.readFeature(f);
            marks.clear();
            marks.addFeature(feature);
            map.getView().fit(ol.extent.buffer(feature.getGeometry().getExtent(), 100), {maxZoom: 18});
        });
    }
    loadSectors();
})();
