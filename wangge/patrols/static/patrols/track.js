// One patrol on the map: the simplified track (a line per stretch between dropped jumps) and the points
// taken outside every grid. The data is in the page (json_script, already scoped).
(function () {
  "use strict";
  const box = document.getElementById("patrol-map");
  const source = document.getElementById("patrol-track-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(box, { attributionControl: false });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  const layer = L.geoJSON(cfg.track, {
    style: function () { return { color: "#1971c2", weight: 4 }; },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 5, color: "#e8590c", fillColor: "#e8590c", fillOpacity: 0.8, weight: 1 });
    },
  }).addTo(map);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.1));
  else map.setView([31.4, 120.9], 12);
  box.dataset.lines = String(cfg.track.features[0].geometry.coordinates.length);
})();
