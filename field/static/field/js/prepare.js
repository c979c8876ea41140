// Preparing an area: the base map's vector tiles (our own OGC tiles, zooms 13–18) into the
// service worker's tile cache, the chosen layers' features (OGC items in CRS84) with their
// versions into IndexedDB, and the configuration (forms, layers) beside them.
"use strict";
(function () {
  const TILES = "kentcbs-field-tiles";
  const PARALLEL = 6;

  function tileRange(bbox, z) {
    const n = 2 ** z;
    const x = (lon) => Math.min(n - 1, Math.max(0, Math.floor((lon + 180) / 360 * n)));
    const y = (lat) => {
      const r = lat * Math.PI / 180;
      return Math.min(n - 1, Math.max(0, Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n)));
    };
    return { x0: x(bbox[0]), x1: x(bbox[2]), y0: y(bbox[3]), y1: y(bbox[1]) };
  }

  // Tile URLs of the base layers (those not collected as features) at their visible zooms.
  function tileUrls(template, layers, bbox, zooms) {
    const urls = [];
    for (let z = zooms[0]; z <= zooms[1]; z++) {
      const r = tileRange(bbox, z);
      for (const layer of layers) {
        if (z < layer.minZoom) continue;
        for (let x = r.x0; x <= r.x1; x++) {
          for (let y = r.y0; y <= r.y1; y++) {
            urls.push(template.replace("LAYER", layer.name).replace("{z}", z).replace("{x}", x).replace("{y}", y));
          }
        }
      }
    }
    return urls;
  }

  async function inParallel(items, worker, onDone) {
    let next = 0;
    async function run() {
      while (next < items.length) {
        const item = items[next++];
        await worker(item);
        onDone();
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, run));
  }

  async function fetchOk(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.description || `${response.status} ${url}`);
    }
    return response;
  }

  // Every page of a layer's items in the area (the OGC API's next links).
  async function layerFeatures(urls, layer, bbox, pageSize) {
    const features = [];
    let url = `${urls.items.replace("LAYER", layer)}?f=json&limit=${pageSize}&bbox=${bbox.join(",")}`;
    while (url) {
      const page = await (await fetchOk(url)).json();
      features.push(...(page.features || []));
      const next = (page.links || []).find((l) => l.rel === "next");
      url = next && page.features && page.features.length ? next.href : null;
    }
    return features;
  }

  async function prepare({ urls, config, bbox, name, chosen, onProgress }) {
    const started = performance.now();
    const store = window.KentField.store;
    const base = config.layers.filter((l) => l.base && !chosen.includes(l.name));
    const tiles = tileUrls(urls.tiles, base, bbox, config.zooms);
    const total = tiles.length + chosen.length;
    let done = 0;
    const tick = () => onProgress && onProgress(++done / total);
    if (navigator.storage && navigator.storage.persist) await navigator.storage.persist().catch(() => false);

    await caches.delete(TILES);  // a new area replaces the old one
    const cache = await caches.open(TILES);
    let tileBytes = 0;
    await inParallel(tiles, async (url) => {
      const response = await fetchOk(url);
      const body = await response.arrayBuffer();
      tileBytes += body.byteLength;
      const headers = { "Content-Type": response.headers.get("Content-Type") || "application/vnd.mapbox-vector-tile" };
      await cache.put(url, new Response(response.status === 204 ? null : body, { status: response.status, headers }));
    }, tick);

    const records = [];
    for (const layer of chosen) {
      const [features, versions] = await Promise.all([
        layerFeatures(urls, layer, bbox, config.maxItems),
        fetchOk(`${urls.versions}?layer=${encodeURIComponent(layer)}&bbox=${bbox.join(",")}`).then((r) => r.json()),
      ]);
      for (const feature of features) {
        const version = versions.versions[feature.id];
        if (version === undefined) continue;  // changed between the two reads: left out, not stale
        records.push({ key: `${layer}/${feature.id}`, layer, id: feature.id, version, feature, pending: false });
      }
      tick();
    }
    const area = { bbox, name, chosen, preparedAt: new Date().toISOString(), tiles: tiles.length,
      features: records.length, tileBytes };
    await store.transaction(["features", "meta"], "readwrite", async (s) => {
      await store.request(s.features.clear());
      for (const record of records) s.features.put(record);
      s.meta.put(config, "config");
      s.meta.put(area, "area");
    });
    const estimate = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : {};
    area.bytes = estimate.usage || 0;
    area.seconds = (performance.now() - started) / 1000;
    await store.put("meta", area, "area");
    return area;
  }

  window.KentField = window.KentField || {};
  window.KentField.prepare = prepare;
  window.KentField.tileUrls = tileUrls;
})();
