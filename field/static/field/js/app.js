// The field app's page: map of the prepared area, adding points (GPS or a tap), editing
// attributes, photos, the queue and the conflict screen. Data: KentField.store (IndexedDB);
// base map tiles come from the service worker's cache when offline.
"use strict";
(function () {
  const F = window.KentField;
  const S = JSON.parse(document.getElementById("field-strings").textContent);
  const urls = JSON.parse(document.getElementById("field-urls").textContent);
  const $ = (id) => document.getElementById(id);
  const MAX_AREA_KM2 = 6;
  const geojson = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });

  const state = { config: null, area: null, candidate: null, tapLayer: null, editing: null, photos: [],
    conflict: null, draw: null };

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => (values[name] === undefined ? "" : values[name]));
  }

  let messageTimer = null;
  function say(text, seconds = 5) {
    const box = $("field-message");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(messageTimer);
    if (seconds) messageTimer = setTimeout(() => { box.hidden = true; }, seconds * 1000);
  }

  // --- sheets -------------------------------------------------------------------------------
  function openSheet(id) {
    document.querySelectorAll(".sheet").forEach((s) => { s.hidden = s.id !== id; });
    document.body.dataset.sheet = id;
  }
  function closeSheets() {
    document.querySelectorAll(".sheet").forEach((s) => { s.hidden = true; });
    delete document.body.dataset.sheet;
    stopDrawing();
  }
  document.querySelectorAll(".sheet-close").forEach((b) => b.addEventListener("click", closeSheets));

  // --- network status -----------------------------------------------------------------------
  async function showNetwork() {
    const pill = $("net-status");
    pill.dataset.online = navigator.onLine ? "1" : "0";
    pill.textContent = navigator.onLine ? S.online : S.offline;
  }
  window.addEventListener("online", async () => {
    showNetwork();
    const waiting = (await F.store.all("queue")).filter((c) => c.status === "pending").length;
    if (waiting) say(fmt(S.backOnline, { n: waiting }), 8);
  });
  window.addEventListener("offline", () => { showNetwork(); say(S.offlineNow); });

  // --- map ------------------------------------------------------------------------------------
  function styleFor(color, pending, base) {
    const stroke = new ol.style.Stroke({ color: pending ? "#ff7f00" : color, width: pending ? 3 : 1.5 });
    const fill = new ol.style.Fill({ color: (pending ? "#ff7f00" : color) + (base ? "12" : "33") });
    const image = new ol.style.Circle({ radius: pending ? 9 : 6, stroke: new ol.style.Stroke({ color: "#fff", width: 2 }),
      fill: new ol.style.Fill({ color: pending ? "#ff7f00" : color }) });
    return new ol.style.Style({ stroke, fill, image });
  }
  const colors = () => Object.fromEntries((state.config ? state.config.layers : []).map((l) => [l.name, l.color]));

  const featureSource = new ol.source.Vector();
  const featureLayer = new ol.layer.Vector({ source: featureSource, zIndex: 10,
    style: (f) => styleFor(colors()[f.get("_layer")] || "#3366cc", f.get("_pending")) });
  const areaSource = new ol.source.Vector();
  const areaLayer = new ol.layer.Vector({ source: areaSource, zIndex: 5, style: new ol.style.Style({
    stroke: new ol.style.Stroke({ color: "#0d6efd", width: 2, lineDash: [6, 4] }) }) });
  const positionSource = new ol.source.Vector();
  const positionLayer = new ol.layer.Vector({ source: positionSource, zIndex: 20 });
  const map = new ol.Map({ target: "field-map", layers: [areaLayer, featureLayer, positionLayer],
    view: new ol.View({ center: ol.proj.fromLonLat([28.9, 41.0]), zoom: 14, maxZoom: 21 }),
    controls: ol.control.defaults.defaults({ attribution: false, rotate: false }) });

  function baseLayers() {
    map.getLayers().getArray().filter((l) => l.get("base")).forEach((l) => map.removeLayer(l));
    const chosen = state.area ? state.area.chosen : [];
    for (const layer of state.config.layers.filter((l) => l.base && !chosen.includes(l.name))) {
      map.addLayer(new ol.layer.VectorTile({
        base: true, minZoom: Math.max(layer.minZoom, state.config.zooms[0]) - 0.5, zIndex: 1,
        declutter: false, style: styleFor(layer.color, false, true),
        source: new ol.source.VectorTile({ format: new ol.format.MVT(), maxZoom: state.config.zooms[1],
          url: urls.tiles.replace("LAYER", layer.name) }),
      }));
    }
  }

  async function drawFeatures() {
    const records = await F.store.all("features");
    featureSource.clear();
    featureSource.addFeatures(records.map((r) => {
      const feature = geojson.readFeature(r.feature);
      feature.setId(r.key);
      feature.set("_layer", r.layer);
      feature.set("_pending", Boolean(r.pending));
      return feature;
    }));
    const waiting = await F.store.count("queue");
    $("queue-count").textContent = String(waiting);
    $("queue-count").dataset.n = String(waiting);
  }

  function showArea() {
    areaSource.clear();
    if (!state.area) {
      $("area-current").textContent = S.areaNone;
      return;
    }
    const extent = ol.proj.transformExtent(state.area.bbox, "EPSG:4326", "EPSG:3857");
    areaSource.addFeature(new ol.Feature(ol.geom.Polygon.fromExtent(extent)));
    $("area-current").textContent = fmt(S.areaCurrent, { name: state.area.name,
      date: new Date(state.area.preparedAt).toLocaleString(document.documentElement.lang) });
  }

  function layerTitle(name) {
    const layer = state.config && state.config.layers.find((l) => l.name === name);
    return layer ? layer.title : name;
  }

  // --- area -----------------------------------------------------------------------------------
  function areaKm2(bbox) {
    const extent = ol.proj.transformExtent(bbox, "EPSG:4326", "EPSG:3857");
    return ol.sphere.getArea(ol.geom.Polygon.fromExtent(extent)) / 1e6;
  }

  function setCandidate(bbox, name) {
    state.candidate = { bbox: bbox.map((v) => Math.round(v * 1e6) / 1e6), name };
    const km2 = areaKm2(bbox);
    const tooBig = km2 > MAX_AREA_KM2;
    $("area-size").textContent = tooBig ? fmt(S.areaTooBig, { km2: km2.toFixed(1), max: MAX_AREA_KM2 })
      : fmt(S.areaSize, { km2: km2.toFixed(2) });
    $("area-size").classList.toggle("text-danger", tooBig);
    $("area-prepare").disabled = tooBig;
    areaSource.clear();
    areaSource.addFeature(new ol.Feature(ol.geom.Polygon.fromExtent(
      ol.proj.transformExtent(bbox, "EPSG:4326", "EPSG:3857"))));
  }

  function fillAreaSheet() {
    const select = $("area-mahalle");
    select.length = 1;
    for (const area of state.config.areas) select.add(new Option(area.name, area.bbox.join(",")));
    const box = $("area-layers");
    box.querySelectorAll("label").forEach((l) => l.remove());
    const chosen = state.area ? state.area.chosen : null;
    for (const layer of state.config.layers.filter((l) => l.editable)) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = layer.name;
      input.checked = chosen ? chosen.includes(layer.name) : layer.geometry === "Point";
      label.append(input, " ", layer.title);
      box.append(label);
    }
  }

  function stopDrawing() {
    if (state.draw) { map.removeInteraction(state.draw); state.draw = null; }
    document.body.classList.remove("drawing");
  }

  $("area-mahalle").addEventListener("change", (event) => {
    if (!event.target.value) return;
    const bbox = event.target.value.split(",").map(Number);
    setCandidate(bbox, event.target.selectedOptions[0].text);
    map.getView().fit(ol.proj.transformExtent(bbox, "EPSG:4326", "EPSG:3857"), { padding: [20, 20, 20, 20] });
  });

  $("area-draw").addEventListener("click", () => {
    stopDrawing();
    const source = new ol.source.Vector();
    state.draw = new ol.interaction.Draw({ source, type: "Circle", geometryFunction: ol.interaction.Draw.createBox() });
    state.draw.on("drawend", (event) => {
      const extent = ol.proj.transformExtent(event.feature.getGeometry().getExtent(), "EPSG:3857", "EPSG:4326");
      stopDrawing();
      setCandidate(extent, S.drawnArea);
      $("area-mahalle").value = "";
      openSheet("sheet-area");
    });
    map.addInteraction(state.draw);
    document.body.classList.add("drawing");
    closeSheetsOnly();
    say(S.drawHint, 6);
  });

  function closeSheetsOnly() {
    document.querySelectorAll(".sheet").forEach((s) => { s.hidden = true; });
  }

  $("btn-area").addEventListener("click", () => {
    if (!state.config) { say(S.configMissing); return; }
    fillAreaSheet();
    showArea();
    $("area-result").textContent = "";
    openSheet("sheet-area");
  });

  $("area-prepare").addEventListener("click", async () => {
    if (!state.candidate) { say(S.noArea); return; }
    if (!navigator.onLine) { say(S.prepareOffline); return; }
    if (await F.store.count("queue")) { say(S.syncFirst, 8); return; }
    const chosen = [...$("area-layers").querySelectorAll("input:checked")].map((i) => i.value);
    const progress = $("area-progress");
    progress.hidden = false;
    progress.value = 0;
    $("area-prepare").disabled = true;
    $("area-result").textContent = S.preparing;
    try {
      state.area = await F.prepare({ urls, config: state.config, bbox: state.candidate.bbox,
        name: state.candidate.name, chosen, onProgress: (p) => { progress.value = p; } });
      $("area-result").textContent = fmt(S.prepared, { tiles: state.area.tiles, features: state.area.features,
        mb: (state.area.bytes / 1048576).toFixed(1), s: state.area.seconds.toFixed(1) });
      document.body.dataset.prepared = "1";
      baseLayers();
      await drawFeatures();
      showArea();
    } catch (error) {
      $("area-result").textContent = fmt(S.prepareFailed, { error: error.message });
    } finally {
      $("area-prepare").disabled = false;
      progress.hidden = true;
    }
  });

  // --- adding a point ---------------------------------------------------------------------------
  function pointLayers() {
    if (!state.area || !state.config) return [];
    return state.area.chosen.filter((name) => state.config.forms[name] && state.config.forms[name].geometry === "Point");
  }

  $("btn-add").addEventListener("click", () => {
    const layers = pointLayers();
    if (!state.area) { say(S.notPrepared); return; }
    if (!layers.length) { say(S.noPointLayer); return; }
    const select = $("add-layer");
    select.replaceChildren(...layers.map((name) => new Option(layerTitle(name), name)));
    $("add-hint").textContent = "";
    openSheet("sheet-add");
  });

  $("add-gps").addEventListener("click", () => {
    if (!navigator.geolocation) { say(S.gpsFailed); return; }
    $("add-hint").textContent = S.gpsWaiting;
    const layer = $("add-layer").value;
    navigator.geolocation.getCurrentPosition((pos) => {
      const lonlat = [pos.coords.longitude, pos.coords.latitude];
      showPosition(lonlat, pos.coords.accuracy);
      openForm({ mode: "create", layer, lonlat, accuracy: pos.coords.accuracy });
    }, () => { $("add-hint").textContent = S.gpsFailed; }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 10000 });
  });

  $("add-tap").addEventListener("click", () => {
    state.tapLayer = $("add-layer").value;
    closeSheetsOnly();
    document.body.classList.add("tapping");
    say(S.tapHint, 0);
  });

  function showPosition(lonlat, accuracy) {
    positionSource.clear();
    const center = ol.proj.fromLonLat(lonlat);
    positionSource.addFeature(new ol.Feature({ geometry: new ol.geom.Point(center) }));
    if (accuracy) positionSource.addFeature(new ol.Feature({ geometry: new ol.geom.Circle(center, accuracy) }));
    map.getView().animate({ center, duration: 200 });
  }

  map.on("singleclick", (event) => {
    if (state.tapLayer) {
      const lonlat = ol.proj.toLonLat(event.coordinate);
      const layer = state.tapLayer;
      state.tapLayer = null;
      document.body.classList.remove("tapping");
      $("field-message").hidden = true;
      openForm({ mode: "create", layer, lonlat });
      return;
    }
    if (state.draw) return;
    const hit = map.forEachFeatureAtPixel(event.pixel, (f) => f, { layerFilter: (l) => l === featureLayer, hitTolerance: 10 });
    if (hit) openExisting(hit.getId());
  });

  // --- the attribute form -------------------------------------------------------------------------
  function inputFor(field, value) {
    let input;
    if (field.choices) {
      input = document.createElement("select");
      input.className = "form-select";
      input.add(new Option("—", ""));
      for (const [v, label] of field.choices) input.add(new Option(label, String(v)));
      input.value = value === null || value === undefined ? "" : String(value);
    } else if (field.type === "checkbox") {
      input = document.createElement("input");
      input.type = "checkbox";
      input.className = "form-check-input";
      input.checked = Boolean(value);
    } else {
      input = document.createElement("input");
      input.type = field.type;
      input.className = "form-control";
      if (field.maxLength) input.maxLength = field.maxLength;
      if (field.type === "number") input.inputMode = "numeric";
      input.value = value === null || value === undefined ? "" : String(value).slice(0, field.type === "date" ? 10 : undefined);
    }
    input.name = field.name;
    input.id = `f-${field.name}`;
    if (field.required) input.required = true;
    return input;
  }

  function valueOf(field, input) {
    if (field.type === "checkbox") return input.checked;
    const raw = input.value.trim();
    if (raw === "") return null;
    if (field.choices) {
      const match = field.choices.find(([v]) => String(v) === raw);
      return match ? match[0] : raw;
    }
    if (field.type === "number") return Number(raw);
    return raw;
  }

  function openForm({ mode, layer, lonlat, accuracy, record }) {
    const form = state.config.forms[layer];
    state.editing = { mode, layer, lonlat, record };
    state.photos = [];
    $("form-photos").replaceChildren();
    $("form-photo").value = "";
    $("form-error").textContent = "";
    $("sheet-form-title").textContent = mode === "create" ? fmt(S.newPoint, { layer: layerTitle(layer) })
      : fmt(S.editFeature, { layer: layerTitle(layer), id: record.id || S.newFeature });
    $("form-where").textContent = lonlat ? `${lonlat[1].toFixed(6)}, ${lonlat[0].toFixed(6)}`
      + (accuracy ? " · " + fmt(S.gpsAccuracy, { m: Math.round(accuracy) }) : "") : "";
    const values = record ? record.feature.properties : {};
    const box = $("form-fields");
    box.replaceChildren();
    for (const field of form.fields) {
      const wrap = document.createElement("div");
      wrap.className = field.type === "checkbox" ? "form-check mb-2" : "mb-2";
      const label = document.createElement("label");
      label.htmlFor = `f-${field.name}`;
      label.className = field.type === "checkbox" ? "form-check-label" : "form-label";
      label.textContent = field.label + (field.required ? " *" : "");
      const input = inputFor(field, values[field.name]);
      if (field.type === "checkbox") wrap.append(input, label); else wrap.append(label, input);
      box.append(wrap);
    }
    openSheet("sheet-form");
  }

  async function openExisting(key) {
    const record = await F.store.get("features", key);
    if (!record) return;
    if (!state.config.forms[record.layer]) { say(S.notEditable); return; }
    const change = record.changeId ? await F.store.get("queue", record.changeId) : null;
    if (change && change.status === "conflict") { say(S.resolveFirst); return; }
    const lonlat = record.feature.geometry && record.feature.geometry.type === "Point" ? record.feature.geometry.coordinates : null;
    openForm({ mode: "edit", layer: record.layer, lonlat, record });
  }

  async function shrink(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return await new Promise((done) => canvas.toBlob((blob) => done(blob || file), "image/jpeg", 0.85));
    } catch (error) {
      return file;
    }
  }

  $("form-photo").addEventListener("change", async (event) => {
    for (const file of event.target.files) {
      const blob = await shrink(file);
      state.photos.push(blob);
      const img = document.createElement("img");
      img.src = URL.createObjectURL(blob);
      img.alt = S.photo;
      $("form-photos").append(img);
    }
  });

  $("field-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { mode, layer, lonlat, record } = state.editing;
    const form = state.config.forms[layer];
    const values = {};
    for (const field of form.fields) {
      const value = valueOf(field, document.getElementById(`f-${field.name}`));
      if (field.required && (value === null || value === "")) {
        $("form-error").textContent = fmt(S.required, { field: field.label });
        return;
      }
      values[field.name] = value;
    }
    try {
      if (mode === "create") await queueCreate(layer, lonlat, values);
      else if (!(await queueEdit(record, values))) return;
    } catch (error) {
      $("form-error").textContent = error.message;
      return;
    }
    closeSheets();
    positionSource.clear();
    await drawFeatures();
    say(navigator.onLine ? S.savedOnline : S.savedQueued);
  });

  function photoRecords(changeId, layer, tucbsNo) {
    return state.photos.map((blob) => ({ id: crypto.randomUUID(), changeId, layer, tucbsNo, blob,
      takenAt: new Date().toISOString() }));
  }

  async function queueCreate(layer, lonlat, values) {
    const id = crypto.randomUUID();
    const properties = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
    const geometry = { type: "Point", coordinates: lonlat.map((v) => Math.round(v * 1e8) / 1e8) };
    const localKey = `${layer}/new-${id}`;
    const change = { id, layer, operation: "create", properties, geometry, madeAt: new Date().toISOString(),
      status: "pending", localKey };
    await F.store.transaction(["queue", "features", "photos"], "readwrite", (s) => {
      s.queue.put(change);
      s.features.put({ key: localKey, layer, id: null, version: 0, pending: true, changeId: id,
        feature: { type: "Feature", geometry, properties } });
      for (const photo of photoRecords(id, layer, null)) s.photos.put(photo);
    });
  }

  // An empty input is "no value", whether the server stores it as null or "".
  function sameValue(a, b) {
    const plain = (v) => (v === undefined || v === "" ? null : v);
    return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
  }

  // An edit joins the feature's waiting change (one change per feature until it is sent).
  async function queueEdit(record, values) {
    const before = record.feature.properties;
    const changed = Object.fromEntries(Object.entries(values).filter(([name, v]) => !sameValue(v, before[name])));
    if (!Object.keys(changed).length && !state.photos.length) { say(S.nothingChanged); return false; }
    const existing = record.changeId ? await F.store.get("queue", record.changeId) : null;
    let change = existing;
    if (Object.keys(changed).length) {
      if (existing) {
        const base = { ...Object.fromEntries(Object.keys(changed).map((n) => [n, before[n] ?? null])), ...(existing.base || {}) };
        change = { ...existing, properties: { ...existing.properties, ...changed }, base };
      } else {
        change = { id: crypto.randomUUID(), layer: record.layer, operation: "update", tucbsNo: record.id,
          baseVersion: record.version, properties: changed, geometry: null, madeAt: new Date().toISOString(),
          status: "pending", base: Object.fromEntries(Object.keys(changed).map((n) => [n, before[n] ?? null])) };
      }
    }
    const updated = { ...record, pending: Boolean(change), changeId: change ? change.id : record.changeId,
      feature: { ...record.feature, properties: { ...before, ...changed } } };
    await F.store.transaction(["queue", "features", "photos"], "readwrite", (s) => {
      if (change) s.queue.put(change);
      s.features.put(updated);
      for (const photo of photoRecords(change ? change.id : null, record.layer, record.id)) s.photos.put(photo);
    });
    return true;
  }

  // --- queue and sync -----------------------------------------------------------------------------
  async function showQueue() {
    const list = $("queue-list");
    list.replaceChildren();
    const changes = (await F.store.all("queue")).sort((a, b) => a.madeAt.localeCompare(b.madeAt));
    const photos = await F.store.all("photos");
    if (!changes.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = photos.length ? fmt(S.photosWaiting, { n: photos.length }) : S.queueEmpty;
      list.append(li);
    }
    for (const change of changes) {
      const li = document.createElement("li");
      li.dataset.status = change.status;
      li.dataset.id = change.id;
      const form = state.config.forms[change.layer] || { fields: [] };
      const labels = Object.fromEntries(form.fields.map((f) => [f.name, f.label]));
      const record = await F.store.get("features", change.localKey || `${change.layer}/${change.tucbsNo}`);
      const first = form.fields.find((f) => f.type === "text");
      const named = record && first ? record.feature.properties[first.name] : null;
      const title = document.createElement("strong");
      title.textContent = `${layerTitle(change.layer)} ${change.tucbsNo ? "#" + change.tucbsNo : "· " + S.newFeature}`
        + (named ? ` – ${named}` : "");
      const status = document.createElement("span");
      status.className = "status";
      status.textContent = { pending: S.statusPending, conflict: S.statusConflict, error: S.statusError }[change.status];
      const detail = document.createElement("div");
      detail.className = "muted";
      const n = photos.filter((p) => p.changeId === change.id).length;
      detail.textContent = Object.keys(change.properties).map((n) => labels[n] || n).join(", ") + (n ? " · " + fmt(S.photoCount, { n }) : "")
        + (change.error && change.status === "error" ? " · " + change.error : "");
      li.append(title, " ", status, detail);
      if (change.status === "conflict") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-warning resolve";
        button.textContent = S.resolve;
        button.addEventListener("click", () => openConflict(change));
        li.append(button);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-danger discard";
        button.textContent = S.discard;
        button.addEventListener("click", () => discard(change));
        li.append(button);
      }
      list.append(li);
    }
  }

  async function discard(change) {
    if (!window.confirm(S.discardConfirm)) return;
    await F.store.transaction(["queue", "features", "photos"], "readwrite", async (s) => {
      s.queue.delete(change.id);
      const photos = await F.store.request(s.photos.index("change").getAll(change.id));
      photos.forEach((p) => s.photos.delete(p.id));
      if (change.localKey) { s.features.delete(change.localKey); return; }
      const key = `${change.layer}/${change.tucbsNo}`;
      const record = await F.store.request(s.features.get(key));
      if (record) {
        s.features.put({ ...record, pending: false, changeId: null,
          feature: { ...record.feature, properties: { ...record.feature.properties, ...(change.base || {}) } } });
      }
    });
    await drawFeatures();
    await showQueue();
  }

  $("btn-queue").addEventListener("click", async () => { await showQueue(); openSheet("sheet-queue"); });

  async function runSync(options) {
    if (document.body.dataset.blocked === "1") return null;  // another user's changes: never sent as mine
    if (!navigator.onLine) { say(S.syncOffline); return null; }
    document.body.dataset.syncing = "1";
    $("btn-sync").disabled = true;
    try {
      const result = await F.sync(urls, options);
      await drawFeatures();
      if (result.login) say(S.syncLogin, 10);
      else if (result.offline) say(S.syncOffline);
      else say(fmt(S.syncResult, result), 8);
      return result;
    } finally {
      $("btn-sync").disabled = false;
      document.body.dataset.syncing = "0";
    }
  }

  $("btn-sync").addEventListener("click", async () => {
    const result = await runSync();
    if (result && result.conflicts) await openNextConflict();
  });

  // --- conflicts ----------------------------------------------------------------------------------
  async function openNextConflict() {
    const next = (await F.store.all("queue")).find((c) => c.status === "conflict");
    if (next) openConflict(next); else closeSheets();
  }

  function openConflict(change) {
    state.conflict = change;
    const server = change.server;
    $("conflict-what").textContent = server
      ? fmt(S.conflictWhat, { layer: layerTitle(change.layer), id: change.tucbsNo, v: server.version, base: change.baseVersion })
      : fmt(S.conflictDeleted, { layer: layerTitle(change.layer), id: change.tucbsNo });
    F.conflict.render($("conflict-table"), change, state.config.forms[change.layer], S);
    $("conflict-table").hidden = !server;
    $("conflict-mine").hidden = $("conflict-merge").hidden = !server;
    $("conflict-theirs").textContent = server ? S.takeTheirs : S.discard;
    openSheet("sheet-conflict");
  }

  async function resolveWith(picks) {
    const resolution = await F.conflict.resolve(state.conflict, picks);
    state.conflict = null;
    await drawFeatures();
    if (resolution) {
      const result = await runSync({ onlyId: resolution.id });
      if (result && result.sent) say(S.resolvedSent, 8);
    } else {
      say(S.resolvedTheirs);
    }
    await openNextConflict();
  }

  const allTo = (side) => Object.fromEntries(Object.keys(state.conflict.properties).map((n) => [n, side]));
  $("conflict-mine").addEventListener("click", () => resolveWith(allTo("mine")));
  $("conflict-theirs").addEventListener("click", () => resolveWith(allTo("theirs")));
  $("conflict-merge").addEventListener("click", () => resolveWith(F.conflict.picks($("conflict-table"))));

  // --- start ----------------------------------------------------------------------------------------
  async function loadConfig() {
    try {
      const response = await fetch(urls.config, { credentials: "same-origin" });
      if (response.ok && !response.redirected) {
        const config = await response.json();
        await F.store.put("meta", config, "config");
        return config;
      }
    } catch (error) { /* offline: the stored copy below */ }
    return F.store.get("meta", "config");
  }

  // A shared phone: what another user stored here is wiped before this user starts (logging out
  // wipes it too, cbs/js/logout_guard.js); their unsent changes are kept for them, never shown.
  async function ownDevice() {
    const user = JSON.parse(document.getElementById("field-user").textContent);
    const owner = await F.store.get("meta", "owner");
    if (owner !== undefined && owner !== user) {
      const waiting = await F.store.count("queue");
      if (waiting) {
        say(fmt(S.otherUser, { user: owner, n: waiting }), 0);
        document.body.dataset.blocked = "1";
        $("field-actions").hidden = true;
        document.body.dataset.ready = "1";
        return false;
      }
      await F.store.wipe();
    }
    await F.store.put("meta", user, "owner");
    return true;
  }

  async function start() {
    showNetwork();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(urls.sw, { scope: urls.scope }).catch(() => say(S.noOffline, 10));
    }
    if (!(await ownDevice())) return;
    state.config = await loadConfig();
    state.area = await F.store.get("meta", "area");
    if (!state.config) { say(S.configMissing, 0); return; }
    baseLayers();
    await drawFeatures();
    showArea();
    const bbox = state.area ? state.area.bbox : state.config.bbox;
    map.getView().fit(ol.proj.transformExtent(bbox, "EPSG:4326", "EPSG:3857"), { padding: [16, 16, 16, 16] });
    if (state.area) document.body.dataset.prepared = "1";
    else { fillAreaSheet(); showArea(); openSheet("sheet-area"); }
    document.body.dataset.ready = "1";
  }

  // For tests and the bench: the map, the state and choosing an area without drawing it.
  window.kentField = { map, state, drawFeatures, setCandidate };
  start();
})();
