/* KentMap: the one map module every map page of the site uses.

   const km = KentMap.create(element, options) builds an OpenLayers map in the municipality's view
   with the base map switcher (our own labelled vector base map, which needs no internet, plus the
   base maps an administrator configured), the thematic layers with their registry looks and
   labels, a scale line, and optionally the layer tree with legend and the identify panel.

   options (all optional):
     config     the map configuration (default: the JSON in #map-config, from layers/map_config.py)
     layers     names of the thematic layers to add (default: all the caller may see); null = none
     tree       element that receives the layer tree (checkbox, legend classes, scale hints)
     identify   true (default): a click identifies on the server and fills the panel;
                false: the page handles clicks itself (km.identifyAt)
     panel      element for the identify panel (default: a panel on the map itself)
     listPanel  true: a panel on the map even when identify is false (for km.showList)
     visibleAll true: the chosen layers start switched on, whatever the registry says
     switcher   false: no base map switcher
     maxZoom    view's maximum zoom (default 21)

   km = {map, layers (name → ol layer), config, on(event, fn), select(layer, id), home() → extent,
         fit(extent, opts), setBaseMap(id), identifyAt(pixel, names) → Promise<hits>,
         showFeature(layer, id) → Promise<info>, showList(title, items), closePanel(),
         setLabels(on), labels(name) → label texts of the features in view, busy (set it to a
         function(singleclick event) returning true while the page's own tool owns that click)}
   A click that is part of a double-click never identifies (the second click of the double-click
   that closes a drawing, or a click of a double-click zoom that OpenLayers reported alone because
   the two clicks came more than 250 ms apart).
   items of showList: {label, url} (a link) or {label, layer, id} (identify it) or {label, onSelect}.
   events: "identify" (hits), "select" ({layer, id}), "action" ({kind, url, layer, id} – return
   false from a handler to keep the browser from following the action's link), "basemap" (id).

   Everything that decides a look (colours, classes, label field, label zoom, halo, placement)
   comes from the configuration; values are written with textContent, never as HTML. */
"use strict";

window.KentMap = (function () {
    const WEB = "EPSG:3857";
    const DECLUTTER = "labels";  // one declutter group: labels of all layers avoid each other

    function rgba(hex, alpha) {
        const n = parseInt(hex.slice(1), 16);
        return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
    }
    function el(tag, className, text) {
        const e = document.createElement(tag);
        if (className) { e.className = className; }
        if (text !== undefined && text !== null) { e.textContent = text; }
        return e;
    }
    function format(template, values) {
        return template.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
    }
    function readConfig() {
        return JSON.parse(document.getElementById("map-config").textContent);
    }
    let projReady = false;
    function registerTm(config) {
        if (projReady || !window.proj4 || !config.tm) { return; }
        proj4.defs(config.tm.code, config.tm.proj4);
        ol.proj.proj4.register(proj4);
        projReady = true;
    }
    function zoomOf(resolution) { return Math.log2(156543.03392804097 / resolution); }

    // --- styles --------------------------------------------------------------------------------
    function labelText(style, feature) {
        const v = style.label ? feature.get(style.label) : null;
        return v === null || v === undefined || v === "" ? "" : String(v);
    }
    function makeText(text, opts) {
        return new ol.style.Text({
            text: text, font: (opts.bold ? "600 " : "") + (opts.size || 12) + "px system-ui, sans-serif",
            fill: new ol.style.Fill({color: opts.color || "#222"}),
            stroke: new ol.style.Stroke({color: opts.halo || "#fff", width: 3}),
            placement: opts.placement === "line" ? "line" : "point",
            overflow: opts.placement === "line" ? false : true,
            offsetY: opts.offsetY || 0, textBaseline: opts.offsetY ? "bottom" : "middle",
            maxAngle: Math.PI / 5, repeat: opts.placement === "line" ? 400 : undefined,
        });
    }

    // The thematic style of a layer: class colour, label from its label zoom, highlight when selected.
    function thematicStyle(km, layer) {
        const s = layer.style, geometry = layer.geometry;
        const isPoint = geometry.indexOf("Point") >= 0, isLine = geometry.indexOf("Line") >= 0;
        const classified = Boolean(s.classProperty);
        const cache = {};
        function base(color) {
            if (!cache[color]) {
                cache[color] = new ol.style.Style({
                    stroke: new ol.style.Stroke({color: color, width: isLine ? 2.5 : 1.2}),
                    fill: new ol.style.Fill({color: rgba(color, classified ? 0.45 : 0.18)}),
                    image: new ol.style.Circle({radius: 5, fill: new ol.style.Fill({color: color}),
                                                stroke: new ol.style.Stroke({color: "#fff", width: 1.5}),
                                                declutterMode: "none"}),
                });
            }
            return cache[color];
        }
        const highlight = new ol.style.Style({
            stroke: new ol.style.Stroke({color: "#00e5ff", width: 4}),
            fill: new ol.style.Fill({color: "rgba(0,229,255,0.35)"}),
            image: new ol.style.Circle({radius: 9, fill: new ol.style.Fill({color: "#00e5ff"}),
                                        stroke: new ol.style.Stroke({color: "#000", width: 1.5}),
                                        declutterMode: "none"}),
        });
        const classColor = {};
        s.classes.forEach(function (c) { if (c.value !== null) { classColor[c.value] = c.color; } });
        return function (feature, resolution) {
            const id = String(feature.getId());
            const hit = (km.selection.layer === layer.name && id === String(km.selection.id)) ||
                (km.highlighted.layer === layer.name && km.highlighted.ids.has(id));
            const color = classified ? (classColor[feature.get(s.classProperty)] || s.color) : s.color;
            const styles = [hit ? highlight : base(color)];
            // Layers the city base map already labels are labelled once, by the base map.
            const byBase = km.baseMapId === "kent" && km.baseLabelled[layer.name];
            const text = km.labelsOn && !byBase && !isArea(geometry) && zoomOf(resolution) >= s.labelMinZoom
                ? labelText(s, feature) : "";
            if (text) {
                styles.push(new ol.style.Style({text: makeText(text, {
                    placement: s.labelPlacement, halo: s.halo, color: "#1a1a1a",
                    offsetY: isPoint ? -8 : 0, size: isPoint ? 11 : 12})}));
            }
            return styles;
        };
    }

    // The muted look of one of our own layers in the offline base map (layers.styles.BASE_MAP_LOOKS).
    function baseStyle(km, look) {
        const dash = look.dash && look.dash.length ? look.dash : undefined;
        const shapes = [];
        if (look.casing) {
            shapes.push(new ol.style.Style({stroke: new ol.style.Stroke({color: look.casing, width: look.width + 2}), zIndex: 0}));
        }
        if (look.stroke || look.fill) {
            shapes.push(new ol.style.Style({
                stroke: look.stroke ? new ol.style.Stroke({color: look.stroke, width: look.width, lineDash: dash}) : undefined,
                fill: look.fill ? new ol.style.Fill({color: look.fill}) : undefined, zIndex: 1,
            }));
        }
        const area = isArea(look.geometry);
        return function (feature, resolution) {
            const zoom = zoomOf(resolution);
            let text = km.labelsOn && !area && zoom >= look.labelMinZoom ? labelText(look, feature) : "";
            if (!text) { return shapes; }
            if (look.labelUppercase) { text = text.toLocaleUpperCase("tr-TR"); }
            return shapes.concat([new ol.style.Style({zIndex: 2, text: makeText(text, {
                placement: look.labelPlacement, halo: look.halo, color: look.labelColor,
                size: look.labelSize, bold: look.labelBold,
                offsetY: look.geometry.indexOf("Point") >= 0 ? -7 : 0})})]);
        };
    }

    function isArea(geometry) { return geometry.indexOf("Polygon") >= 0; }
    // Labels of an area layer: one point per feature from the server (tiles cut areas at their
    // edges, and a label per piece would repeat a mahalle's name in every tile).
    function areaLabels(km, name, look, visible) {
        const geojson = new ol.format.GeoJSON({featureProjection: WEB});
        const key = "labels:" + name;
        const source = km.sources[key] || (km.sources[key] = new ol.source.Vector({
            format: geojson, strategy: ol.loadingstrategy.bbox,
            url: function (extent) {
                const box = ol.proj.transformExtent(extent, WEB, "EPSG:4326").map(function (v) { return v.toFixed(6); });
                return km.config.labelsUrl.replace("LAYER", name) + "?bbox=" + box.join(",");
            },
        }));
        const layer = new ol.layer.Vector({
            source: source, minZoom: look.minZoom, declutter: DECLUTTER, zIndex: look.zIndex || 0,
            style: function (feature) {
                if (!km.labelsOn || (look.unlessBase && km.baseMapId === "kent")) { return null; }
                let text = feature.get("label") || "";
                if (look.uppercase) { text = text.toLocaleUpperCase("tr-TR"); }
                return new ol.style.Style({text: makeText(text, look)});
            },
        });
        layer.set("kentLabelsOf", name);
        layer.setVisible(visible);
        return layer;
    }

    // One source per tile URL: the base map and the thematic layer of the same collection share
    // their tiles (one request each, one parse).
    function tileSource(km, url) {
        return km.sources[url] || (km.sources[url] = new ol.source.VectorTile({format: new ol.format.MVT(), url: url, maxZoom: 20}));
    }

    // --- base maps -----------------------------------------------------------------------------
    function wmtsGrid() {
        const extent = ol.proj.get(WEB).getExtent(), size = ol.extent.getWidth(extent) / 256;
        const resolutions = [], ids = [];
        for (let z = 0; z <= 22; z++) { resolutions.push(size / Math.pow(2, z)); ids.push(String(z)); }
        return new ol.tilegrid.WMTS({origin: ol.extent.getTopLeft(extent), resolutions: resolutions, matrixIds: ids});
    }
    function baseLayerOf(km, b) {
        const config = km.config;
        if (b.kind === "kent") {
            const group = config.baseLayers.map(function (look, i) {
                const l = new ol.layer.VectorTile({
                    source: tileSource(km, look.tiles), style: baseStyle(km, look), minZoom: look.minZoom,
                    declutter: DECLUTTER, background: i === 0 ? config.background : undefined,
                });
                l.set("kentBase", look.layer);
                return l;
            });
            config.baseLayers.forEach(function (look) {
                if (look.label && isArea(look.geometry)) {
                    group.push(areaLabels(km, look.layer, {minZoom: Math.max(look.minZoom, look.labelMinZoom),
                        color: look.labelColor, size: look.labelSize, bold: look.labelBold,
                        uppercase: look.labelUppercase, halo: look.halo, zIndex: 20}, true));
                }
            });
            return new ol.layer.Group({layers: group});
        }
        const attributions = b.attribution ? [b.attribution] : undefined;
        if (b.kind === "xyz") {
            return new ol.layer.Tile({source: new ol.source.XYZ({url: b.url, attributions: attributions,
                minZoom: b.minZoom, maxZoom: b.maxZoom})});
        }
        if (b.kind === "wms") {
            return new ol.layer.Tile({source: new ol.source.TileWMS({url: b.url, attributions: attributions,
                params: {LAYERS: b.layers, FORMAT: b.format, TRANSPARENT: false}}),
                minZoom: b.minZoom, maxZoom: b.maxZoom + 0.99});
        }
        if (b.kind === "wmts") {
            return new ol.layer.Tile({source: new ol.source.WMTS({url: b.url, layer: b.layers, matrixSet: b.matrixSet,
                format: b.format, style: "default", tileGrid: wmtsGrid(), attributions: attributions,
                requestEncoding: b.url.indexOf("{TileMatrix}") >= 0 ? "REST" : "KVP"}),
                minZoom: b.minZoom, maxZoom: b.maxZoom + 0.99});
        }
        return null;  // "none": the empty map
    }
    function switcher(km) {
        const box = el("div", "ol-unselectable ol-control kent-basemaps");
        const fieldset = el("fieldset");
        fieldset.appendChild(el("legend", "", km.config.text.baseMap));
        km.config.basemaps.forEach(function (b) {
            const label = el("label");
            const radio = el("input");
            radio.type = "radio";
            radio.name = "kent-basemap-" + km.uid;
            radio.value = b.id;
            radio.dataset.basemap = b.id;
            radio.checked = b.id === km.baseMapId;
            radio.addEventListener("change", function () { if (radio.checked) { km.setBaseMap(b.id); } });
            label.append(radio, document.createTextNode(" " + b.name));
            fieldset.appendChild(label);
        });
        box.appendChild(fieldset);
        return new ol.control.Control({element: box});
    }

    // --- layer tree with legend and scale hints ------------------------------------------------
    function swatch(geometry, color) {
        const s = el("span", "legend-swatch legend-" + (geometry.indexOf("Point") >= 0 ? "point"
            : geometry.indexOf("Line") >= 0 ? "line" : "area"));
        s.style.setProperty("--swatch", color);
        s.style.setProperty("--swatch-fill", rgba(color, 0.45));
        return s;
    }
    function buildTree(km, tree) {
        tree.replaceChildren();
        km.config.themes.forEach(function (theme) {
            const shown = theme.layers.filter(function (l) { return km.layers[l.name]; });
            if (!shown.length) { return; }
            tree.appendChild(el("div", "theme-title", theme.code + " – " + theme.title));
            shown.forEach(function (layer) {
                const olLayer = km.layers[layer.name];
                const item = el("div", "layer-item");
                item.dataset.layer = layer.name;
                const row = el("div", "layer-row");
                const box = el("input");
                box.type = "checkbox";
                box.checked = olLayer.getVisible();
                box.id = "layer-" + layer.name;
                box.addEventListener("change", function () { olLayer.setVisible(box.checked); });
                olLayer.on("change:visible", function () {
                    box.checked = olLayer.getVisible();
                    item.classList.toggle("layer-off", !box.checked);
                });
                const label = el("label", "flex-grow-1", layer.title);
                label.htmlFor = box.id;
                const opacity = el("input");
                opacity.type = "range";
                opacity.min = "0"; opacity.max = "1"; opacity.step = "0.1"; opacity.value = "1";
                opacity.title = layer.title;
                opacity.setAttribute("aria-label", layer.title);
                opacity.addEventListener("input", function () { olLayer.setOpacity(Number(opacity.value)); });
                const classes = layer.style.classes.filter(function (c) { return c.value !== null; });
                row.append(box, swatch(layer.geometry, layer.style.color), label, opacity);
                item.appendChild(row);
                const hint = el("div", "scale-hint small", format(km.config.text.scaleHint, {scale: layer.minScale}));
                hint.hidden = true;
                item.appendChild(hint);
                if (classes.length) {
                    const legend = el("ul", "legend-classes list-unstyled small");
                    classes.forEach(function (c) {
                        const li = el("li");
                        li.dataset.class = c.value;
                        li.dataset.color = c.color;
                        li.append(swatch(layer.geometry, c.color), document.createTextNode(" " + c.label));
                        legend.appendChild(li);
                    });
                    item.appendChild(legend);
                }
                item.classList.toggle("layer-off", !box.checked);
                tree.appendChild(item);
            });
        });
        function updateScale() {
            const zoom = km.map.getView().getZoom();
            tree.querySelectorAll(".layer-item").forEach(function (item) {
                const olLayer = km.layers[item.dataset.layer];
                const out = zoom < olLayer.getMinZoom();
                item.classList.toggle("out-of-range", out);
                item.querySelector(".scale-hint").hidden = !out;
            });
        }
        km.map.getView().on("change:resolution", updateScale);
        updateScale();
    }

    // --- identify panel ------------------------------------------------------------------------
    function panelParts(km) {
        const panel = km.panel, id = panel.id || "kent-identify";
        if (!panel.querySelector(".kent-identify-title")) {
            panel.replaceChildren();
            const close = el("button", "btn-close float-end");
            close.type = "button";
            close.id = id + "-close";
            close.setAttribute("aria-label", km.config.text.close || "×");
            close.addEventListener("click", function () { km.closePanel(); });
            const title = el("h2", "h6 kent-identify-title");
            title.id = id + "-title";
            const subtitle = el("p", "small text-muted mb-1 kent-identify-subtitle");
            subtitle.id = id + "-subtitle";
            const note = el("p", "small text-muted mb-1 kent-identify-note");
            note.id = id + "-note";
            const address = el("p", "small mb-1 kent-identify-address");
            address.id = id + "-address";
            const table = el("table", "table table-sm small kent-identify-table");
            const body = el("tbody");
            body.id = id + "-attributes";
            table.appendChild(body);
            const actions = el("div", "kent-identify-actions d-flex flex-wrap gap-1 mb-2");
            actions.id = id + "-actions";
            const list = el("ul", "list-unstyled small kent-identify-list");
            list.id = id + "-hits";
            panel.append(close, title, subtitle, note, list, address, actions, table);
        }
        return {
            title: panel.querySelector(".kent-identify-title"),
            subtitle: panel.querySelector(".kent-identify-subtitle"), note: panel.querySelector(".kent-identify-note"),
            list: panel.querySelector(".kent-identify-list"), address: panel.querySelector(".kent-identify-address"),
            actions: panel.querySelector(".kent-identify-actions"), body: panel.querySelector(".kent-identify-table tbody"),
        };
    }
    function clearPanel(parts) {
        ["subtitle", "note", "list", "address", "actions", "body"].forEach(function (k) { parts[k].replaceChildren(); });
        parts.title.textContent = "";
    }
    function listItems(km, parts, items) {
        items.forEach(function (item) {
            const li = el("li");
            const a = el("a", "kent-identify-hit");
            a.href = item.url || "#";
            if (item.layer) { a.dataset.layer = item.layer; a.dataset.id = item.id; }
            const title = item.layerTitle || item.layer_title;
            const layer = title ? el("span", "text-muted", title + ": ") : null;
            if (layer) { a.appendChild(layer); }
            a.appendChild(document.createTextNode(item.label));
            if (!item.url) {
                a.addEventListener("click", function (e) {
                    e.preventDefault();
                    if (item.onSelect) { item.onSelect(item); } else { km.showFeature(item.layer, item.id, {keepList: true}); }
                });
            }
            li.appendChild(a);
            parts.list.appendChild(li);
        });
    }

    // --- the map -------------------------------------------------------------------------------
    let counter = 0;
    function create(target, options) {
        options = options || {};
        const config = options.config || readConfig();
        registerTm(config);
        const listeners = {};
        const km = {config: config, layers: {}, selection: {layer: null, id: null}, highlighted: {layer: null, ids: new Set()}, labelsOn: true,
                    uid: ++counter, lastHits: [], baseLabelled: {}, sources: {}};
        config.baseLayers.forEach(function (b) { if (b.label) { km.baseLabelled[b.layer] = true; } });
        km.on = function (event, fn) { (listeners[event] = listeners[event] || []).push(fn); return km; };
        function emit(event, data) {
            return (listeners[event] || []).map(function (fn) { return fn(data); }).indexOf(false) < 0;
        }

        // Thematic layers: areas under lines under points, as a GIS draws them.
        const wanted = options.layers === undefined ? null : options.layers;
        const thematic = [];
        config.themes.forEach(function (theme) {
            theme.layers.forEach(function (layer) {
                if (wanted !== null && (wanted || []).indexOf(layer.name) < 0) { return; }
                const vt = new ol.layer.VectorTile({
                    source: tileSource(km, layer.tiles), style: thematicStyle(km, layer), minZoom: layer.minZoom,
                    visible: options.visibleAll ? true : layer.visible, declutter: DECLUTTER,
                });
                vt.set("cbsLayer", layer);
                km.layers[layer.name] = vt;
                thematic.push(vt);
            });
        });
        // Area labels of thematic layers: their own point layer that follows the layer's switch.
        const areaLabelLayers = [];
        thematic.forEach(function (vt) {
            const layer = vt.get("cbsLayer"), s = layer.style;
            if (!s.label || !isArea(layer.geometry)) { return; }
            const labels = areaLabels(km, layer.name, {minZoom: Math.max(layer.minZoom, s.labelMinZoom), color: "#1a1a1a",
                size: 12, halo: s.halo, unlessBase: km.baseLabelled[layer.name], zIndex: 5}, vt.getVisible());
            vt.on("change:visible", function () { labels.setVisible(vt.getVisible()); });
            vt.on("change:opacity", function () { labels.setOpacity(vt.getOpacity()); });
            areaLabelLayers.push(labels);
        });
        const rank = function (l) { const g = l.get("cbsLayer").geometry; return g.indexOf("Polygon") >= 0 ? 0 : g.indexOf("Line") >= 0 ? 1 : 2; };
        thematic.sort(function (a, b) { return rank(a) - rank(b); });

        const chosen = config.basemaps.filter(function (b) { return b.default; })[0] || config.basemaps[0];
        km.baseMapId = chosen ? chosen.id : "none";
        const baseGroup = new ol.layer.Group({layers: []});
        const attribution = config.basemaps.some(function (b) { return b.attribution; });
        km.map = new ol.Map({
            target: target,
            layers: [baseGroup].concat(thematic, areaLabelLayers),
            view: new ol.View({center: [0, 0], zoom: 2, maxZoom: options.maxZoom || 21}),
            controls: ol.control.defaults.defaults({attribution: attribution, attributionOptions: {collapsible: true}})
                .extend([new ol.control.ScaleLine()]),
        });
        km.baseGroup = baseGroup;
        km.setBaseMap = function (id) {
            const b = config.basemaps.filter(function (x) { return x.id === id; })[0];
            if (!b) { return; }
            km.baseMapId = id;
            const layer = baseLayerOf(km, b);
            baseGroup.getLayers().clear();
            if (layer) { baseGroup.getLayers().push(layer); }
            km.map.getTargetElement().dataset.basemap = id;
            Object.keys(km.layers).forEach(function (n) { km.layers[n].changed(); });
            areaLabelLayers.forEach(function (l) { l.changed(); });
            const radio = km.map.getTargetElement().querySelector('input[data-basemap="' + id + '"]');
            if (radio) { radio.checked = true; }
            emit("basemap", id);
        };
        km.setBaseMap(km.baseMapId);
        if (options.switcher !== false && config.basemaps.length > 1) { km.map.addControl(switcher(km)); }

        km.home = function () { return ol.proj.transformExtent(config.bbox, "EPSG:4326", WEB); };
        km.fit = function (extent, opts) { km.map.getView().fit(extent || km.home(), opts || {}); };
        km.fit();

        km.select = function (layer, id) {
            km.selection.layer = layer;
            km.selection.id = id;
            Object.keys(km.layers).forEach(function (n) { km.layers[n].changed(); });
            emit("select", {layer: layer, id: id});
        };
        // Several features of one layer drawn as selected (the attribute table's rows); null clears.
        km.highlight = function (layer, ids) {
            km.highlighted.layer = layer;
            km.highlighted.ids = new Set((ids || []).map(String));
            Object.keys(km.layers).forEach(function (n) { km.layers[n].changed(); });
        };
        km.setLabels = function (on) {
            km.labelsOn = Boolean(on);
            km.map.getAllLayers().forEach(function (l) { l.changed(); });
        };
        // Label texts of the loaded features of a layer inside the view at the current zoom
        // (for tests and for people who want to read what the map writes).
        km.labels = function (name) {
            const view = km.map.getView(), zoom = view.getZoom();
            const extent = view.calculateExtent(km.map.getSize());
            // What is drawn: the base map's labels for the layers it labels, else the layer's own.
            let olLayer = null, look = null, min;
            if (km.baseMapId === "kent" && km.baseLabelled[name]) {
                km.map.getAllLayers().forEach(function (l) { if (l.get("kentBase") === name) { olLayer = l; } });
                look = (config.baseLayers.filter(function (b) { return b.layer === name; })[0]) || null;
            } else if (km.layers[name]) {
                olLayer = km.layers[name];
                look = olLayer.get("cbsLayer").style;
            }
            if (!olLayer || !look || !olLayer.getVisible()) { return []; }
            min = look.labelMinZoom;
            if (zoom < min || zoom < olLayer.getMinZoom()) { return []; }
            const texts = {};
            olLayer.getFeaturesInExtent(extent).forEach(function (f) { const t = labelText(look, f); if (t) { texts[t] = true; } });
            return Object.keys(texts).sort();
        };

        // Which features lie under a pixel: asked of the server, so that co-located points are all found.
        km.identifyAt = function (pixel, names) {
            const view = km.map.getView();
            const coordinate = km.map.getCoordinateFromPixel(pixel);
            const lonlat = ol.proj.toLonLat(coordinate);
            const layers = Object.keys(km.layers).filter(function (n) {
                return (!names || names.indexOf(n) >= 0) && km.layers[n].isVisible(view);
            });
            if (!layers.length) { return Promise.resolve([]); }
            const metres = Math.max(1, 6 * view.getResolution() * Math.cos(lonlat[1] * Math.PI / 180));
            const url = config.identifyUrl + "?lon=" + lonlat[0].toFixed(7) + "&lat=" + lonlat[1].toFixed(7) +
                "&tol=" + metres.toFixed(2) + "&layers=" + encodeURIComponent(layers.join(","));
            return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : {hits: []}; })
                .then(function (data) { km.lastHits = data.hits; return data.hits; });
        };

        // The identify panel.
        if (options.panel) {
            km.panel = options.panel;
        } else if (options.identify !== false || options.listPanel) {
            km.panel = el("aside", "kent-identify-panel");
            km.panel.id = (km.map.getTargetElement().id || "map" + km.uid) + "-identify";
            km.panel.hidden = true;
            km.panel.setAttribute("aria-live", "polite");
            km.map.addControl(new ol.control.Control({element: km.panel}));
        }
        km.closePanel = function () {
            if (!km.panel) { return; }
            km.panel.hidden = true;
            km.select(null, null);
        };
        km.showList = function (title, items) {
            const parts = panelParts(km);
            clearPanel(parts);
            parts.title.textContent = title;
            listItems(km, parts, items);
            km.panel.hidden = false;
        };
        function showHits(hits) {
            if (!hits.length) { km.closePanel(); return; }
            // Several points or lines under the click (cameras on one pole): the user chooses. Areas
            // nest (a building in its mahalle): the smallest is shown, the others listed below it.
            const top = hits.filter(function (h) { return h.rank === hits[0].rank; });
            if (top.length > 1 && hits[0].rank < 2) {
                km.select(null, null);
                km.showList(format(config.text.here, {count: hits.length}), hits);
                return;
            }
            km.showFeature(top[0].layer, top[0].id, {others: hits.slice(1)});
        }
        km.showFeature = function (layerName, id, opts) {
            opts = opts || {};
            const parts = panelParts(km);
            const keptList = opts.keepList ? Array.prototype.slice.call(parts.list.children) : null;
            clearPanel(parts);
            parts.title.textContent = config.text.loading;
            km.panel.hidden = false;
            km.select(layerName, id);
            const url = config.featureInfoUrl.replace("LAYER", layerName).replace("ID", String(id));
            return fetch(url, {credentials: "same-origin"}).then(function (r) {
                if (!r.ok) { throw new Error(r.status); }
                return r.json();
            }).then(function (info) {
                parts.title.textContent = info.title;
                parts.subtitle.textContent = info.layerTitle + " #" + info.id;
                km.panel.dataset.layer = info.layer;
                km.panel.dataset.id = info.id;
                if (keptList) { keptList.forEach(function (li) { parts.list.appendChild(li); }); }
                parts.list.querySelectorAll("a").forEach(function (a) {  // the one shown, in the list
                    const shown = a.dataset.layer === info.layer && a.dataset.id === String(info.id);
                    a.classList.toggle("active", shown);
                    if (shown) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
                });
                if (opts.others && opts.others.length) {
                    parts.note.textContent = config.text.alsoHere;
                    listItems(km, parts, opts.others);
                }
                parts.address.textContent = info.address || "";
                info.actions.forEach(function (action) {
                    const a = el("a", "btn btn-sm btn-outline-primary kent-action-" + action.kind, action.label);
                    a.href = action.url;
                    a.dataset.action = action.kind;
                    a.addEventListener("click", function (e) {
                        const go = emit("action", {kind: action.kind, url: action.url, layer: info.layer, id: info.id});
                        if (!go) { e.preventDefault(); }
                    });
                    parts.actions.appendChild(a);
                });
                info.rows.concat(info.measures.map(function (m) { return {label: m.label, value: m.value, name: "measure"}; }))
                    .forEach(function (row) {
                        const tr = el("tr");
                        tr.dataset.name = row.name;
                        const th = el("th", "", row.label);
                        const td = el("td");
                        if (row.link && km.layers[row.link.layer]) {
                            const a = el("a", "", row.value);
                            a.href = "#";
                            a.addEventListener("click", function (e) { e.preventDefault(); km.showFeature(row.link.layer, row.link.id); });
                            td.appendChild(a);
                        } else {
                            td.textContent = row.value === "" ? "–" : row.value;
                        }
                        tr.append(th, td);
                        parts.body.appendChild(tr);
                    });
                return info;
            }).catch(function () { parts.title.textContent = config.text.failed; });
        };
        if (options.identify !== false) {
            // The time of the last native double-click on the map: OpenLayers reports a click as
            // "singleclick" 250 ms after its press unless a second click follows in time; a slow
            // double-click (or the one closing a drawing) still ends in a dblclick of the browser.
            let lastDoubleClick = -Infinity;
            km.map.getViewport().addEventListener("dblclick", function (e) { lastDoubleClick = e.timeStamp; });
            km.map.on("singleclick", function (event) {
                if (event.originalEvent.timeStamp <= lastDoubleClick) { return; }
                if (km.busy && km.busy(event)) { return; }
                km.identifyAt(event.pixel).then(function (hits) {
                    if (emit("identify", hits)) { showHits(hits); }
                });
            });
        }
        if (options.tree) { buildTree(km, options.tree); }
        return km;
    }
    return {create: create};
})();
