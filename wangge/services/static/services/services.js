// Services to residents: "nearest to me" on the service point list (the browser's position into ?near=lon,lat)
// and the service point map (the data is in the page, scoped there).
(function () {
  "use strict";
  document.querySelectorAll("[data-near-me]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.querySelector(button.dataset.nearMe);
      if (!field || !navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (pos) {
        field.value = pos.coords.longitude.toFixed(6) + "," + pos.coords.latitude.toFixed(6);
        field.form.submit();
      });
    });
  });
  const box = document.getElementById("services-map");
  const source = document.getElementById("services-map-config");
  if (!box || !source || typeof L === "undefined") return;
  const cfg = JSON.parse(source.textContent);
  const map = L.map(box, { attributionControl: false });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  // the 10-minute circles under the points: shaded, the point's name on a tap
  const shaded = cfg.circles
    ? L.geoJSON(cfg.circles, {
        style: { color: "#c92a2a", weight: 1, fillColor: "#fa5252", fillOpacity: 0.15 },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(feature.properties.name + " · " + Math.round(feature.properties.radius_m) + " m");
        },
      }).addTo(map)
    : null;
  box.dataset.circles = String(shaded ? shaded.getLayers().length : 0);
  const layer = L.geoJSON(cfg.points, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7, color: "#c92a2a", fillColor: "#c92a2a", fillOpacity: 0.8, weight: 1 });
    },
    onEachFeature: function (feature, marker) {
      const link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.name + " · " + feature.properties.kind;
      marker.bindPopup(link);
    },
  }).addTo(map);
  if (shaded && shaded.getLayers().length) map.fitBounds(shaded.getBounds().pad(0.1));
  else if (layer.getLayers().length) map.fitBounds(layer.getBounds().pad(0.2));
  else map.setView([31.4, 120.9], 12);
  box.dataset.points = String(layer.getLayers().length);
})();
