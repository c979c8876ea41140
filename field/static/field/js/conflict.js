// The conflict screen: a change whose feature was changed on the server after the area was
// prepared is shown field by field (yours | server's). Keep mine, take theirs or choose per field;
// a resolution that keeps anything of yours becomes ONE new change based on the server's version.
"use strict";
(function () {
  const F = () => window.KentField;

  function shown(value, S) {
    if (value === null || value === undefined || value === "") return "—";
    if (value === true) return S.yes;
    if (value === false) return S.no;
    return String(value);
  }

  const plain = (v) => (v === undefined || v === "" ? null : v);

  const same = (a, b) => JSON.stringify(plain(a)) === JSON.stringify(plain(b));

  // Rows: the fields the device changed, with both values and a choice (mine by default);
  // `clash` when the server changed the field too (to another value than yours).
  function rows(change) {
    const server = (change.server && change.server.properties) || {};
    const base = change.base || {};
    return Object.keys(change.properties).map((name) => ({
      name, mine: change.properties[name], theirs: server[name],
      clash: !same(change.properties[name], server[name]) && (!(name in base) || !same(base[name], server[name])),
    }));
  }

  function render(table, change, form, S) {
    const labels = Object.fromEntries(((form && form.fields) || []).map((f) => [f.name, f.label]));
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const row of rows(change)) {
      const tr = document.createElement("tr");
      tr.dataset.field = row.name;
      if (row.clash) tr.className = "differs";
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = labels[row.name] || row.name;
      tr.append(th);
      for (const side of ["mine", "theirs"]) {
        const td = document.createElement("td");
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = `pick-${row.name}`;
        input.value = side;
        input.checked = side === "mine";
        label.append(input, " ", shown(row[side], S));
        td.append(label);
        tr.append(td);
      }
      body.append(tr);
    }
  }

  function picks(table) {
    return Object.fromEntries([...table.querySelectorAll("tbody tr")].map((tr) => [
      tr.dataset.field, tr.querySelector("input:checked").value]));
  }

  // Replaces the conflicting change by its resolution in one transaction; returns the new change
  // (null when nothing of yours is kept: the server's feature simply becomes the device's copy).
  async function resolve(change, chosen) {
    const store = F().store;
    const server = change.server;
    const kept = Object.fromEntries(Object.keys(change.properties)
      .filter((name) => chosen[name] === "mine")
      .map((name) => [name, change.properties[name]]));
    const keepAny = server && Object.keys(kept).length > 0;
    const resolution = keepAny ? {
      id: crypto.randomUUID(), layer: change.layer, operation: "update", tucbsNo: change.tucbsNo,
      baseVersion: server.version, properties: kept, geometry: change.geometry || null,
      base: Object.fromEntries(Object.keys(kept).map((n) => [n, server.properties[n]])),
      madeAt: new Date().toISOString(), status: "pending", resolves: change.id,
    } : null;
    await store.transaction(["queue", "features", "photos"], "readwrite", async (s) => {
      s.queue.delete(change.id);
      if (resolution) s.queue.put(resolution);
      const key = `${change.layer}/${change.tucbsNo}`;
      if (server) {
        const properties = { ...server.properties, ...kept };
        s.features.put({ key, layer: change.layer, id: change.tucbsNo, version: server.version,
          feature: { ...server, properties }, pending: Boolean(resolution) });
      } else {
        s.features.delete(key);  // deleted on the server: nothing left to edit
      }
      const photos = await store.request(s.photos.index("change").getAll(change.id));
      for (const photo of photos) {
        if (server) s.photos.put({ ...photo, changeId: resolution ? resolution.id : null });
        else s.photos.delete(photo.id);
      }
    });
    return resolution;
  }

  window.KentField = window.KentField || {};
  window.KentField.conflict = { render, picks, resolve, rows };
})();
