// Preparing an area: the base map's vector tiles (our own OGC tiles, zooms 13–18, fetched many per
// request from /saha/api/tiles) into the service worker's tile cache, the chosen layers' features
// (OGC items in CRS84) with their versions into IndexedDB, and the configuration beside them.
"use strict";
(function () {
  const TILES = "kentcbs-field-tiles";
  const PARALLEL = 4;

  // One request per base layer (those not collected as features) and zoom, at its visible zooms.
  function tileBatches(layers, zooms) {
    const batches = [];
    for (let z = zooms[0]; z <= zooms[1]; z++) {
      for (const layer of layers) if (z >= layer.minZoom) batches.push({ layer: layer.name, z });
    }
    return batches;
  }

  function bytesOf(text) {
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
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
    const batches = tileBatches(base, config.zooms);
    const total = batches.length + chosen.length;
    let done = 0;
    const tick = () => onProgress && onProgress(++done / total);
    if (navigator.storage && navigator.storage.persist) await navigator.storage.persist().catch(() => false);

    // The tiles arrive many per request and are filed under their own OGC tile URLs, where the
    // service worker looks for them (a new area replaces the old one).
    await caches.delete(TILES);
    const cache = await caches.open(TILES);
    let tileBytes = 0;
    let tileCount = 0;
    const mvt = { "Content-Type": "application/vnd.mapbox-vector-tile" };
    const tilesDone = inParallel(batches, async ({ layer, z }) => {
      const url = `${urls.tileBatch}?layer=${encodeURIComponent(layer)}&z=${z}&bbox=${bbox.join(",")}`;
      const batch = await (await fetchOk(url)).json();
      await Promise.all(batch.tiles.map(([x, y, data]) => {
        const body = data ? bytesOf(data) : null;
        tileBytes += body ? body.byteLength : 0;
        tileCount++;
        const tileUrl = urls.tiles.replace("LAYER", layer).replace("{z}", z).replace("{x}", x).replace("{y}", y);
        return cache.put(new URL(tileUrl, location.href).href,
          new Response(body, { status: body ? 200 : 204, headers: { ...mvt, ETag: `"g${batch.generation}"` } }));
      }));
    }, tick);

    const records = [];
    const featuresDone = (async () => {
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
    })();
    await Promise.all([tilesDone, featuresDone]);
    const area = { bbox, name, chosen, preparedAt: new Date().toISOString(), tiles: tileCount,
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
})();
