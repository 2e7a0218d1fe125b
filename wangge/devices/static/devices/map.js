// The device map: each device a dot coloured by its state (online green, offline grey, alarming red); a
// tap opens the device's page. The data is in the page (scoped there).
(function () {
  "use strict";
  const box = document.getElementById("devices-map");
  const source = document.getElementById("devices-map-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(box, { attributionControl: false });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  const colours = { online: "#2b8a3e", offline: "#868e96", alarming: "#c92a2a" };
  const layer = L.geoJSON(cfg.devices, {
    pointToLayer: function (feature, latlng) {
      const c = colours[feature.properties.state] || "#1c7ed6";
      return L.circleMarker(latlng, { radius: 6, color: c, fillColor: c, fillOpacity: 0.85, weight: 1 });
    },
    onEachFeature: function (feature, marker) {
      const p = feature.properties;
      const text = document.createElement("span");
      text.textContent = p.name + " · " + p.kind + " · " + p.stateLabel;
      marker.bindTooltip(text);
      marker.on("click", function () { window.location.href = p.url; });
    },
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds().pad(0.1));
  else map.setView([31.4, 120.9], 12);
  box.dataset.devices = String(layer.getLayers().length);
})();
