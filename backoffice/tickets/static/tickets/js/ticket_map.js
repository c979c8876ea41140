/* Ticket map: tickets from GeoJSON built in SQL, clustered, coloured by SLA state (grey when
   resolved or closed); a click on a single ticket opens it. */
(function () {
    "use strict";
    const config = JSON.parse(document.getElementById("map-config").textContent);
    const COLOURS = {breached: "#dc3545", risk: "#ffc107", ok: "#198754", none: "#0d6efd"};
    const base = [];
    config.themes.forEach(function (theme) {
        theme.layers.forEach(function (l) {
            if (["id-mahalle", "ad-yol"].indexOf(l.name) < 0) { return; }
            base.push(new ol.layer.VectorTile({source: new ol.source.VectorTile({
                format: new ol.format.MVT(), url: l.tiles, maxZoom: 20}),
                style: new ol.style.Style({stroke: new ol.style.Stroke({color: l.color, width: 1})})}));
        });
    });
    const tickets = new ol.source.Vector({url: config.tickets.geojson,
                                          format: new ol.format.GeoJSON({featureProjection: "EPSG:3857"})});
    const clusters = new ol.source.Cluster({distance: 30, source: tickets});
    function colour(f) {
        const s = f.get("status");
        return (s === "cozuldu" || s === "kapatildi") ? "#6c757d" : (COLOURS[f.get("sla")] || "#0d6efd");
    }
    const layer = new ol.layer.Vector({source: clusters, style: function (cluster) {
        const members = cluster.get("features");
        const worst = members.some(function (f) { return f.get("sla") === "breached"; }) ? COLOURS.breached : colour(members[0]);
        return new ol.style.Style({
            image: new ol.style.Circle({radius: members.length > 1 ? 10 + Math.min(members.length, 30) / 3 : 7,
                                        fill: new ol.style.Fill({color: worst}),
                                        stroke: new ol.style.Stroke({color: "#fff", width: 2})}),
            text: members.length > 1 ? new ol.style.Text({text: String(members.length),
                                                          fill: new ol.style.Fill({color: "#fff"})}) : undefined,
        });
    }});
    const map = new ol.Map({target: "ticket-map", layers: base.concat([layer]), view: new ol.View({maxZoom: 20})});
    map.getView().fit(ol.proj.transformExtent(config.bbox, "EPSG:4326", "EPSG:3857"));
    window.kentTicketMap = map;
    window.kentTickets = tickets;
    map.on("singleclick", function (event) {
        map.forEachFeatureAtPixel(event.pixel, function (cluster) {
            const members = cluster.get("features") || [];
            if (members.length === 1) { location.href = "/tickets/" + members[0].getId() + "/"; }
            else if (members.length > 1) {
                map.getView().fit(ol.extent.boundingExtent(members.map(function (f) {
                    return f.getGeometry().getCoordinates(); })), {padding: [40, 40, 40, 40], maxZoom: 19, duration: 250});
            }
            return true;
        });
    });
})();
