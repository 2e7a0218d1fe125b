// The region map: draws the children of the region in view, drills down on request and shows a
// region's card beside the map. All data comes from /api/v1/regions (scoped on the server).
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("wg-map-config").textContent);
  const rootCodes = new Set(cfg.roots);
  const COLORS = {
    city: "#6f1d1b", district: "#8c1d18", street: "#b3261e", community: "#d9480f",
    grid: "#1864ab", special_grid: "#5f3dc4", micro_grid: "#2b8a3e",
  };

  const map = L.map("map", { doubleClickZoom: false, attributionControl: false, zoomSnap: 0.25 });
  if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  map.setView([31.4, 120.9], 11);
  L.control.scale({ imperial: false }).addTo(map);
  const layer = L.featureGroup().addTo(map);
  const cardBox = document.getElementById("wg-card");
  const crumbBox = document.getElementById("wg-crumbs");
  let selectedLayer = null;
  let current = null;

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(url + " → " + response.status);
    return response.json();
  }

  function childStyle(feature) {
    const color = COLORS[feature.properties.level] || "#495057";
    return { color, weight: 1.5, fillColor: color, fillOpacity: 0.12 };
  }

  function outlineStyle(code) {
    const home = rootCodes.has(code);
    return { color: home ? "#f08c00" : "#343a40", weight: home ? 4 : 2, fill: false, dashArray: home ? null : "6 4",
             className: home ? "wg-home" : "wg-outline" };
  }

  function message(text) {
    cardBox.innerHTML = "";
    const p = document.createElement("p");
    p.className = "text-muted small";
    p.textContent = text;
    cardBox.appendChild(p);
  }

  async function loadCard(code) {
    try {
      const response = await fetch(cfg.cardUrl.replace("__code__", encodeURIComponent(code)), { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      cardBox.innerHTML = await response.text();
      // Drilling into the region already in view would do nothing: hide that button.
      if (code === current) cardBox.querySelectorAll("[data-drill]").forEach((b) => b.remove());
    } catch (err) {
      message(cfg.labels.failed);
    }
  }

  function select(feature, featureLayer) {
    if (selectedLayer) selectedLayer.setStyle(childStyle(selectedLayer.feature));
    selectedLayer = featureLayer;
    featureLayer.setStyle({ weight: 3, fillOpacity: 0.35 });
    featureLayer.getElement && featureLayer.getElement()?.classList.add("wg-selected");
    loadCard(feature.id);
  }

  function renderCrumbs(chain) {
    crumbBox.innerHTML = "";
    const add = (label, code, active) => {
      const el = document.createElement(active ? "span" : "button");
      el.textContent = label;
      if (active) { el.className = "fw-semibold"; }
      else { el.type = "button"; el.className = "btn btn-link btn-sm"; el.addEventListener("click", () => show(code)); }
      if (crumbBox.childNodes.length) crumbBox.appendChild(document.createTextNode(" › "));
      crumbBox.appendChild(el);
    };
    if (cfg.roots.length > 1) add(cfg.labels.all, "", chain.length === 0);
    chain.forEach((item, i) => add(item.name, item.code, i === chain.length - 1));
  }

  function visibleChain(detail) {
    const full = [...detail.chain, { code: detail.code, name: detail.name }];
    const first = full.findIndex((item) => rootCodes.has(item.code));
    return first < 0 ? full.slice(-1) : full.slice(first);
  }

  function draw(features, outline) {
    layer.clearLayers();
    selectedLayer = null;
    const permanent = features.length <= 40;
    L.geoJSON({ type: "FeatureCollection", features }, {
      style: childStyle,
      onEachFeature: (feature, featureLayer) => {
        const label = document.createElement("span");
        label.textContent = feature.properties.name; // a string would be read as HTML
        featureLayer.bindTooltip(label, { permanent, direction: "center", className: "wg-label" });
        featureLayer.on("click", () => select(feature, featureLayer));
        featureLayer.on("dblclick", () => { if (feature.properties.child_count) show(feature.id); });
      },
    }).addTo(layer);
    // The outline goes on top so that the region in view (gold when it is one of the user's own) stays visible.
    if (outline && outline.geometry) L.geoJSON(outline, { style: outlineStyle(outline.id), interactive: false }).addTo(layer);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], animate: false });
  }

  async function show(code) {
    current = code;
    message(cfg.labels.loading);
    try {
      if (!code) {
        const collections = await Promise.all(cfg.roots.map((c) => getJSON(`${cfg.api}/${encodeURIComponent(c)}/children.geojson`)));
        if (current !== code) return;
        draw(collections.map((c) => c.parent).filter((f) => f.geometry), null);
        renderCrumbs([]);
        message(cfg.labels.pick);
        return;
      }
      const [collection, detail] = await Promise.all([
        getJSON(`${cfg.api}/${encodeURIComponent(code)}/children.geojson`),
        getJSON(`${cfg.api}/${encodeURIComponent(code)}`),
      ]);
      if (current !== code) return;
      const features = collection.features;
      draw(features.length ? features : [collection.parent].filter((f) => f.geometry), collection.parent);
      renderCrumbs(visibleChain(detail));
      await loadCard(code);
      document.getElementById("map").dataset.ready = code;
      const url = new URL(location.href);
      url.searchParams.set("code", code);
      history.replaceState(null, "", url);
    } catch (err) {
      message(cfg.labels.failed);
    }
  }

  cardBox.addEventListener("click", (event) => {
    const button = event.target.closest("[data-drill]");
    if (button) show(button.dataset.drill);
  });

  show(cfg.start || (cfg.roots.length === 1 ? cfg.roots[0] : ""));
})();
