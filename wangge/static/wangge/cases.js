// Case pages: the small map on a case, the pin map at intake, category chips, and form helpers.
// Everything the server needs is in ordinary form fields; without JavaScript the forms still post.
(function () {
  "use strict";

  function config(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function pinIcon(extra) {
    return L.divIcon({ className: "wg-pin" + (extra ? " " + extra : ""), html: "<span></span>", iconSize: [26, 26], iconAnchor: [13, 26] });
  }

  function baseMap(id, tileUrl) {
    const map = L.map(id, { attributionControl: false, zoomSnap: 0.5 });
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  const outlineStyle = { color: "#1864ab", weight: 2, fillColor: "#1864ab", fillOpacity: 0.06, dashArray: "6 4" };

  // --- the case page: its point inside its region ------------------------------------------------
  const caseCfg = config("wg-case-map-config");
  if (caseCfg && document.getElementById("wg-case-map")) {
    const map = baseMap("wg-case-map", caseCfg.tileUrl);
    const point = [caseCfg.lat, caseCfg.lon];
    let bounds = L.latLngBounds([point, point]);
    if (caseCfg.boundary) {
      const outline = L.geoJSON(caseCfg.boundary, { style: outlineStyle, interactive: false }).addTo(map);
      bounds = outline.getBounds().extend(point);
    }
    L.marker(point, { icon: pinIcon(), keyboard: false, title: caseCfg.label }).addTo(map);
    map.fitBounds(bounds.pad(0.15), { maxZoom: 17, animate: false });
    document.getElementById("wg-case-map").dataset.ready = "1";
  }

  // --- intake: a draggable pin, the browser's position when allowed --------------------------------
  const intakeCfg = config("wg-intake-config");
  const form = document.getElementById("wg-intake");
  if (intakeCfg && form) {
    const lon = document.getElementById("id_lon");
    const lat = document.getElementById("id_lat");
    const coords = document.getElementById("wg-coords");
    const note = document.getElementById("wg-gps-note");
    const map = baseMap("wg-intake-map", intakeCfg.tileUrl);
    const outlines = L.geoJSON({ type: "FeatureCollection", features: intakeCfg.outlines }, { style: outlineStyle, interactive: false }).addTo(map);
    const had = lon.value && lat.value;
    const start = had ? [parseFloat(lat.value), parseFloat(lon.value)] : [intakeCfg.lat, intakeCfg.lon];
    const marker = L.marker(start, { draggable: true, icon: pinIcon("wg-pin-drag"), title: intakeCfg.labels.pin, autoPan: true }).addTo(map);
    const outlineBounds = outlines.getBounds();
    if (outlineBounds.isValid()) map.fitBounds(outlineBounds.pad(0.05), { animate: false });
    else map.setView(start, 16);

    function place(latlng, pan) {
      marker.setLatLng(latlng);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      coords.textContent = lat.value + ", " + lon.value;
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 16), { animate: false });
      document.getElementById("wg-intake-map").dataset.pin = lon.value + "," + lat.value;
      document.body.dispatchEvent(new Event("wg-moved"));
    }
    let moved = false; // once the user has put the pin, a late GPS answer does not move it
    marker.on("dragend", () => { moved = true; place(marker.getLatLng(), false); });
    map.on("click", (event) => { moved = true; place(event.latlng, false); });
    place(L.latLng(start[0], start[1]), had);

    function locate(asked) {
      if (!navigator.geolocation) { note.hidden = false; note.textContent = intakeCfg.labels.noGps; return; }
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          if (moved && !asked) return;
          note.hidden = true;
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        },
        () => { note.hidden = false; note.textContent = intakeCfg.labels.noGps; },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
      );
    }
    document.getElementById("wg-locate").addEventListener("click", () => locate(true));
    if (!had) locate(false);

    // Suggested categories: a tap chooses one; the select stays free.
    const category = document.getElementById("id_category");
    const suggestBox = document.getElementById("wg-suggest");
    const markChosen = () => suggestBox.querySelectorAll("[data-category]").forEach((chip) => {
      const chosen = chip.dataset.category === category.value;
      chip.classList.toggle("active", chosen);
      chip.setAttribute("aria-pressed", chosen ? "true" : "false");
    });
    suggestBox.addEventListener("click", (event) => {
      const chip = event.target.closest("[data-category]");
      if (!chip) return;
      category.value = chip.dataset.category;
      category.dispatchEvent(new Event("change", { bubbles: true }));
    });
    category.addEventListener("change", markChosen);
    suggestBox.addEventListener("htmx:afterSwap", markChosen);

    // "Solved on the spot" only for categories that allow it (grid workers).
    const onSpot = document.getElementById("wg-on-spot");
    if (onSpot) {
      const allowed = new Set(intakeCfg.onSpot);
      const box = document.getElementById("id_solved_on_spot");
      const fields = document.getElementById("wg-on-spot-fields");
      const sync = () => {
        const ok = allowed.has(category.value);
        onSpot.hidden = !ok;
        if (!ok) box.checked = false;
        fields.hidden = !box.checked;
      };
      category.addEventListener("change", sync);
      box.addEventListener("change", sync);
      sync();
    }

    // One click sends once (the idempotency key covers retries and double taps as well).
    form.addEventListener("submit", () => {
      const button = form.querySelector("[type=submit]");
      setTimeout(() => { button.disabled = true; }, 0);
    });
  }

  // --- action forms ---------------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const fill = event.target.closest("[data-fill]");
    if (fill) {
      const input = document.querySelector(fill.dataset.fill);
      if (input) { input.value = fill.dataset.value; input.focus(); }
    }
  });

  document.querySelectorAll("[data-testid=form-dispatch]").forEach((dispatchForm) => {
    const sync = () => {
      const checked = dispatchForm.querySelector("input[name$='-target']:checked");
      const target = checked ? checked.value : "department";
      dispatchForm.querySelectorAll("[data-dispatch]").forEach((box) => {
        const active = box.dataset.dispatch === target;
        box.classList.toggle("opacity-50", !active);
        box.querySelectorAll("select").forEach((select) => { select.disabled = !active; });
      });
    };
    dispatchForm.addEventListener("change", sync);
    sync();
  });

  // A submitted action form cannot be sent twice by a double tap.
  document.querySelectorAll(".wg-action-form").forEach((actionForm) => {
    actionForm.addEventListener("submit", () => {
      const button = actionForm.querySelector("[type=submit]");
      setTimeout(() => { button.disabled = true; }, 0);
    });
  });
})();
