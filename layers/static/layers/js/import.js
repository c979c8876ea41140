// Import job page: follow the background job's progress, then draw the check's preview.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;

  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then((r) => r.json()).then((s) => {
      document.getElementById("job-status").textContent = s.status_label;
      document.getElementById("job-phase").textContent = s.phase || "";
      const bar = document.getElementById("job-progress");
      bar.hidden = !s.running;
      bar.setAttribute("aria-valuenow", s.progress);
      bar.firstElementChild.style.width = s.progress + "%";
      bar.firstElementChild.textContent = s.progress + " %";
      if (s.running) setTimeout(poll, 700);
      else window.location.reload();  // the finished job's page shows its results
    });
  }
  if (box.dataset.running === "1") setTimeout(poll, 300);

  const target = document.getElementById("preview-map");
  if (!target || !box.dataset.preview) return;
  const style = (ok) => new ol.style.Style({
    stroke: new ol.style.Stroke({color: ok ? "#2ca02c" : "#d62728", width: 2}),
    fill: new ol.style.Fill({color: ok ? "rgba(44,160,44,0.2)" : "rgba(214,39,40,0.3)"}),
    image: new ol.style.Circle({radius: 4, fill: new ol.style.Fill({color: ok ? "#2ca02c" : "#d62728"})}),
  });
  const styles = {true: style(true), false: style(false)};
  const source = new ol.source.Vector({url: box.dataset.preview, format: new ol.format.GeoJSON()});
  const map = new ol.Map({target, layers: [new ol.layer.Vector({source, style: (f) => styles[f.get("ok")]})],
                          view: new ol.View({center: [0, 0], zoom: 2})});
  source.once("featuresloadend", () => {
    if (source.getFeatures().length) map.getView().fit(source.getExtent(), {padding: [20, 20, 20, 20], maxZoom: 18});
    target.dataset.loaded = String(source.getFeatures().length);
  });
  const info = document.getElementById("preview-info");
  map.on("singleclick", (event) => {
    const hit = map.getFeaturesAtPixel(event.pixel)[0];
    info.textContent = hit ? "#" + hit.get("feature") + (hit.get("reasons") ? ": " + hit.get("reasons") : " ✓") : "";
  });
})();
