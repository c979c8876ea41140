/* Asset page: the asset on a small map (a camera with its view sector) over the city base map. */
(function () {
    "use strict";
    const data = JSON.parse(document.getElementById("asset-data").textContent);
    const format = new ol.format.GeoJSON({featureProjection: "EPSG:3857"});
    const feature = format.readFeature({type: "Feature", geometry: data.geometry, properties: {}});
    const source = new ol.source.Vector({features: [feature]});
    if (data.camera) {  // sector drawn in Web Mercator around the point: a picture, not a measure
        const c = feature.getGeometry().getCoordinates();
        const scale = 1 / Math.cos(ol.proj.toLonLat(c)[1] * Math.PI / 180);
        const ring = [c];
        const fov = Math.min(data.camera.fov, 360);
        for (let i = 0; i <= 16; i++) {
            const a = (data.camera.azimuth - fov / 2 + fov * i / 16) * Math.PI / 180;
            ring.push([c[0] + data.camera.range * scale * Math.sin(a), c[1] + data.camera.range * scale * Math.cos(a)]);
        }
        ring.push(c);
        source.addFeature(new ol.Feature(new ol.geom.Polygon([ring])));
    }
    // The shared map: the city base map under the asset, so its street and door number show.
    const km = KentMap.create(document.getElementById("asset-map"), {layers: [], identify: false, maxZoom: 20});
    const map = km.map;
    map.addLayer(new ol.layer.Vector({source: source, zIndex: 10, style: new ol.style.Style({
        stroke: new ol.style.Stroke({color: "#b2182b", width: 2}),
        fill: new ol.style.Fill({color: "rgba(178,24,43,0.15)"}),
        image: new ol.style.Circle({radius: 6, fill: new ol.style.Fill({color: "#b2182b"}),
                                    stroke: new ol.style.Stroke({color: "#fff", width: 1.5})}),
    })}));
    map.getView().fit(ol.extent.buffer(source.getExtent(), 60), {maxZoom: 18});
    window.kentAssetMap = map;
})();
