// The coverage layer: each micro-grid green when patrolled within the chosen days, red when not. The data
// is in the page (json_script, scoped there).
(function () {
  "use strict";
  const box = document.getElementById("patrol-coverage-map");
  const source = document.getElementById("patrol-coverage-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(box, { attributionControl: false });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  const layer = L.geoJSON(cfg.cells, {
    style: function (feature) {
      const c = feature.properties.covered ? "#2b8a3e" : "#c92a2a";
      return { color: c, fillColor: c, fillOpacity: 0.35, weight: 1 };
    },
    onEachFeature: function (feature, shape) {
      const p = feature.properties;
      const text = document.createElement("span");
      text.textContent = p.name + (p.last ? " · " + p.last : "");
      shape.bindTooltip(text);
    },
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.05));
  else map.setView([31.4, 120.9], 12);
  box.dataset.cells = String(layer.getLayers().length);
})();
