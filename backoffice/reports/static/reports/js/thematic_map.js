/* Thematic map of the reports (one value per mahalle, five classes) on the shared map module,
   over the city base map; a click names the mahalle and its value. */
(function () {
    "use strict";
    const data = JSON.parse(document.getElementById("thematic-data").textContent);
    const km = KentMap.create(document.getElementById("thematic-map"), {layers: [], identify: false, listPanel: true});
    const format = new ol.format.GeoJSON({featureProjection: "EPSG:3857"});
    const source = new ol.source.Vector({features: format.readFeatures(data.geojson)});
    const styles = {};
    const layer = new ol.layer.Vector({source: source, opacity: 0.85, zIndex: 10, style: function (f) {
        const color = f.get("color");
        if (!styles[color]) {
            styles[color] = new ol.style.Style({fill: new ol.style.Fill({color: color}),
                                                stroke: new ol.style.Stroke({color: "#555", width: 1})});
        }
        return styles[color];
    }});
    km.map.addLayer(layer);
    km.fit(ol.extent.buffer(source.getExtent(), 200));
    km.map.getTargetElement().dataset.features = String(source.getFeatures().length);
    km.map.on("singleclick", function (event) {
        const hit = km.map.forEachFeatureAtPixel(event.pixel, function (f) { return f; },
                                                 {layerFilter: function (l) { return l === layer; }});
        if (!hit) { km.closePanel(); return; }
        km.showList(hit.get("adi"), [{label: data.title + ": " + hit.get("value"), url: null,
                                       onSelect: function () {}}]);
    });
    window.kentThematic = km;
})();
