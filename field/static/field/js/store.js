// The device's storage for the field app: one IndexedDB database that survives closing the
// browser. Stores: meta (area, config), features (the prepared area's features, key
// "<layer>/<id>"), queue (changes waiting to be sent, key = the change's UUID), photos (blobs).
"use strict";
(function () {
  const NAME = "kentcbs-field";
  const VERSION = 1;
  let opened = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function database() {
    if (!opened) {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("meta");
        db.createObjectStore("features", { keyPath: "key" }).createIndex("layer", "layer");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("photos", { keyPath: "id" }).createIndex("change", "changeId");
      };
      opened = request(req);
    }
    return opened;
  }

  // Runs `work(stores)` in one transaction; resolves with its result once the transaction
  // committed (so a change and its photos are stored together or not at all).
  async function transaction(names, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      let result;
      Promise.resolve(work(stores)).then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
      tx.oncomplete = () => resolve(result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const store = {
    transaction,
    request,
    get: (name, key) => transaction([name], "readonly", (s) => request(s[name].get(key))),
    all: (name) => transaction([name], "readonly", (s) => request(s[name].getAll())),
    byIndex: (name, index, value) => transaction([name], "readonly",
      (s) => request(s[name].index(index).getAll(value))),
    put: (name, value, key) => transaction([name], "readwrite",
      (s) => request(key === undefined ? s[name].put(value) : s[name].put(value, key))),
    remove: (name, key) => transaction([name], "readwrite", (s) => request(s[name].delete(key))),
    count: (name) => transaction([name], "readonly", (s) => request(s[name].count())),
    // Everything the app keeps on the device: the stores and the area's base map tiles.
    wipe: async () => {
      await transaction(["meta", "features", "queue", "photos"], "readwrite",
        (s) => Promise.all(Object.values(s).map((st) => request(st.clear()))));
      if (window.caches) {
        const keys = await caches.keys();
        await Promise.all(keys.filter((k) => k.startsWith("kentcbs-field-tiles")).map((k) => caches.delete(k)));
      }
    },
  };

  window.KentField = window.KentField || {};
  window.KentField.store = store;
})();
