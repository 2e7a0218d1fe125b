// The device map: each device a dot coloured by its state (online green, offline grey, alarming red); a
// tap opens the device's page. The data is in the page (scoped there). The view fits the markers: the map's
// own zoom range is fixed (without tiles Leaflet knows no maximum, and one device, or several at one point,
// would zoom without end), and it fits again when its box changes size (a phone turned, the window resized).
(function () {
  "use strict";
  const box = document.getElementById("devices-map");
  const source = document.getElementById("devices-map-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const FIT_MAX_ZOOM = 17;
  const map = L.map(box, { attributionControl: false, minZoom: 3, maxZoom: 19 });
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
  const count = layer.getLayers().length;

  function fit() {
    const bounds = layer.getBounds();
    if (count && bounds.isValid()) {
      // Padding in pixels keeps the dots (radius 6) whole at the edges.
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: FIT_MAX_ZOOM, animate: false });
    } else {
      map.setView([31.4, 120.9], 12, { animate: false });
    }
    box.dataset.zoom = String(map.getZoom());
  }

  fit();
  let fitted = box.clientWidth + "x" + box.clientHeight;
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(function () {
      const size = box.clientWidth + "x" + box.clientHeight;
      if (size === fitted) return;
      fitted = size;
      map.invalidateSize({ animate: false });
      fit();
    }).observe(box);
  }
  box.dataset.devices = String(count);
  box.dataset.fitted = "1";
})();
