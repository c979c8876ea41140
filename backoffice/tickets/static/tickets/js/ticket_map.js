/* Ticket map: tickets from GeoJSON built in SQL over the shared base map, clustered, coloured by
   SLA state (grey when resolved or closed); a click on a single ticket opens it, a cluster zooms
   in, and a cluster that cannot come apart (same place, or the last zoom) lists its tickets. */
(function () {
    "use strict";
    const config = JSON.parse(document.getElementById("map-config").textContent);
    const COLOURS = {breached: "#dc3545", risk: "#ffc107", ok: "#198754", none: "#0d6efd"};
    const km = KentMap.create(document.getElementById("ticket-map"), {config: config, layers: [], identify: false,
                                                                     listPanel: true, maxZoom: 20});
    const map = km.map;
    const tickets = new ol.source.Vector({url: config.tickets.geojson,
                                          format: new ol.format.GeoJSON({featureProjection: "EPSG:3857"})});
    const clusters = new ol.source.Cluster({distance: 30, source: tickets});
    function colour(f) {
        const s = f.get("status");
        return (s === "cozuldu" || s === "kapatildi") ? "#6c757d" : (COLOURS[f.get("sla")] || "#0d6efd");
    }
    const layer = new ol.layer.Vector({source: clusters, zIndex: 10, style: function (cluster) {
        const members = cluster.get("features");
        const worst = members.some(function (f) { return f.get("sla") === "breached"; }) ? COLOURS.breached : colour(members[0]);
        return new ol.style.Style({
            image: new ol.style.Circle({radius: members.length > 1 ? 10 + Math.min(members.length, 30) / 3 : 7,
                                        fill: new ol.style.Fill({color: worst}),
                                        stroke: new ol.style.Stroke({color: "#fff", width: 2})}),
            text: members.length > 1 ? new ol.style.Text({text: String(members.length), font: "600 12px system-ui, sans-serif",
                                                          fill: new ol.style.Fill({color: "#fff"})}) : undefined,
        });
    }});
    map.addLayer(layer);
    window.kentTicketMap = map;
    window.kentTickets = tickets;
    window.KentTickets = km;
    function listMembers(members) {
        km.showList(config.text.members.replace("%(count)s", members.length), members.map(function (f) {
            const title = f.get("title") ? " – " + f.get("title") : "";
            return {label: f.getId() + title + (f.get("status_label") ? " (" + f.get("status_label") + ")" : ""),
                    url: "/tickets/" + encodeURIComponent(f.getId()) + "/"};
        }));
    }
    map.on("singleclick", function (event) {
        let found = false;
        map.forEachFeatureAtPixel(event.pixel, function (cluster) {
            const members = cluster.get("features") || [];
            if (!members.length) { return false; }
            found = true;
            if (members.length === 1) { location.href = "/tickets/" + encodeURIComponent(members[0].getId()) + "/"; return true; }
            const extent = ol.extent.boundingExtent(members.map(function (f) { return f.getGeometry().getCoordinates(); }));
            const view = map.getView();
            // Members closer together than the cluster distance at the last zoom never separate.
            const apart = ol.extent.getWidth(extent) + ol.extent.getHeight(extent);
            if (view.getZoom() >= view.getMaxZoom() - 0.01 || apart < 30 * view.getResolutionForZoom(view.getMaxZoom())) {
                listMembers(members);
            } else {
                view.fit(extent, {padding: [40, 40, 40, 40], maxZoom: view.getMaxZoom(), duration: 250});
            }
            return true;
        }, {layerFilter: function (l) { return l === layer; }});
        if (!found) { km.closePanel(); }
    });
})();
