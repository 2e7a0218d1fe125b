// The coverage map: each building with households is a dot, green when every household is covered by a
// party central household, orange when some are, red when none is. The data is in the page (scoped there).
(function () {
  "use strict";
  const box = document.getElementById("party-map");
  const source = document.getElementById("party-coverage-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(box, { attributionControl: false });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  function colour(p) {
    if (p.uncovered === 0) return "#2b8a3e";
    return p.covered > 0 ? "#f08c00" : "#c92a2a";
  }
  const layer = L.geoJSON(cfg.buildings, {
    pointToLayer: function (feature, latlng) {
      const c = colour(feature.properties);
      return L.circleMarker(latlng, { radius: 6, color: c, fillColor: c, fillOpacity: 0.8, weight: 1 });
    },
    onEachFeature: function (feature, marker) {
      const p = feature.properties;
      const text = document.createElement("span");
      text.textContent = p.name + " · " + p.covered + "/" + p.households;
      marker.bindTooltip(text);
    },
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds().pad(0.1));
  else map.setView([31.4, 120.9], 12);
  box.dataset.buildings = String(layer.getLayers().length);
})();
