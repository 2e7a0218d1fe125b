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
  if (layer.getLayers().length) map.fitBounds(layer.getBounds().pad(0.2));
  else map.setView([31.4, 120.9], 12);
  box.dataset.points = String(layer.getLayers().length);
})();
