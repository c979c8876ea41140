// Sending the queue: one request per change, in the order they were made. Each change carries the
// UUID the device gave it, so a replay after a lost answer is answered from the server's record and
// writes nothing. A 409 keeps the change (with the server's feature) for the conflict screen.
"use strict";
(function () {
  const F = () => window.KentField;

  async function freshConfig(urls) {
    const response = await fetch(urls.config, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401 || response.redirected) throw Object.assign(new Error("login"), { login: true });
    if (!response.ok) throw new Error(String(response.status));
    const config = await response.json();
    await F().store.put("meta", config, "config");
    return config;
  }

  function payload(change) {
    return { id: change.id, layer: change.layer, operation: change.operation, tucbsNo: change.tucbsNo,
      baseVersion: change.baseVersion, properties: change.properties, geometry: change.geometry,
      madeAt: change.madeAt };
  }

  // The change is on the server: drop it from the queue and keep the server's copy of the feature
  // (under its real number when it was new); its photos now know their feature.
  async function settle(change, body) {
    const store = F().store;
    await store.transaction(["queue", "features", "photos"], "readwrite", async (s) => {
      s.queue.delete(change.id);
      if (change.localKey) s.features.delete(change.localKey);
      if (body.feature) {
        s.features.put({ key: `${change.layer}/${body.tucbsNo}`, layer: change.layer, id: body.tucbsNo,
          version: body.version, feature: body.feature, pending: false });
      }
      const photos = await store.request(s.photos.index("change").getAll(change.id));
      for (const photo of photos) s.photos.put({ ...photo, tucbsNo: body.tucbsNo });
    });
  }

  async function sendPhotos(urls, config) {
    const store = F().store;
    const queued = new Set((await store.all("queue")).map((c) => c.id));
    let sent = 0;
    for (const photo of await store.all("photos")) {
      if (!photo.tucbsNo || queued.has(photo.changeId)) continue;  // its feature is not on the server yet
      const form = new FormData();
      form.append("id", photo.id);
      form.append("layer", photo.layer);
      form.append("tucbsNo", String(photo.tucbsNo));
      if (photo.changeId) form.append("change", photo.changeId);
      form.append("file", photo.blob, `${photo.id}.jpg`);
      const response = await fetch(urls.photos, { method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": config.csrf } });
      if (response.ok) { await store.remove("photos", photo.id); sent++; }
      else if (response.status >= 400 && response.status < 500 && response.status !== 401) {
        const body = await response.json().catch(() => ({}));
        await store.put("photos", { ...photo, error: body.description || String(response.status) });
      }
    }
    return sent;
  }

  async function sendOne(urls, config, change) {
    const response = await fetch(urls.changes, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(payload(change)),
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      await settle(change, body);
      return "sent";
    }
    if (response.status === 401) throw Object.assign(new Error("login"), { login: true });
    const store = F().store;
    if (response.status === 409) {
      await store.put("queue", { ...change, status: "conflict", server: body.server || null,
        currentVersion: body.currentVersion || 0, error: body.description });
      return "conflict";
    }
    await store.put("queue", { ...change, status: "error", error: body.description || String(response.status) });
    return "error";
  }

  // Sends every waiting change (or only `onlyId`); returns counts. Network failures stop the run
  // and leave the rest waiting.
  async function sync(urls, { onlyId } = {}) {
    const result = { sent: 0, conflicts: 0, errors: 0, photos: 0, offline: false, login: false };
    let config;
    try {
      config = await freshConfig(urls);
    } catch (error) {
      if (error.login) result.login = true; else result.offline = true;
      return result;
    }
    const queue = (await F().store.all("queue"))
      .filter((c) => (onlyId ? c.id === onlyId : c.status === "pending"))
      .sort((a, b) => a.madeAt.localeCompare(b.madeAt));
    try {
      for (const change of queue) {
        const outcome = await sendOne(urls, config, change);
        if (outcome === "sent") result.sent++;
        else if (outcome === "conflict") result.conflicts++;
        else result.errors++;
      }
      result.photos = await sendPhotos(urls, config);
    } catch (error) {
      if (error.login) result.login = true; else result.offline = true;
    }
    return result;
  }

  window.KentField = window.KentField || {};
  window.KentField.sync = sync;
})();
