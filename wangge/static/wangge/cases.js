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

  // --- intake in three steps: photos → place → a few words ----------------------------------------
  // Every field is an ordinary form field with its usual name; the script only arranges them (one step at a
  // time on a phone), previews the photos, fills the address from the pin and preselects the category.
  const intakeCfg = config("wg-intake-config");
  const form = document.getElementById("wg-intake");
  if (intakeCfg && form) {
    const labels = intakeCfg.labels;
    const lon = document.getElementById("id_lon");
    const lat = document.getElementById("id_lat");
    const coords = document.getElementById("wg-coords");
    const note = document.getElementById("wg-gps-note");
    const address = document.getElementById("id_address");
    const placeBox = document.getElementById("wg-place");
    const refusedBox = document.getElementById("wg-place-refused");

    // --- 2 the place: a draggable pin, the browser's position when allowed ---
    const map = baseMap("wg-intake-map", intakeCfg.tileUrl);
    const outlines = L.geoJSON({ type: "FeatureCollection", features: intakeCfg.outlines }, { style: outlineStyle, interactive: false }).addTo(map);
    const had = lon.value && lat.value;
    const start = had ? [parseFloat(lat.value), parseFloat(lon.value)] : [intakeCfg.lat, intakeCfg.lon];
    const marker = L.marker(start, { draggable: true, icon: pinIcon("wg-pin-drag"), title: labels.pin, autoPan: true }).addTo(map);
    const outlineBounds = outlines.getBounds();
    if (outlineBounds.isValid()) map.fitBounds(outlineBounds.pad(0.05), { animate: false });
    else map.setView(start, 16);

    // Where the pin falls: the region's names, an address from the nearest building, or a refusal.
    let refused = false;
    let lastAuto = "";
    let describeSeq = 0;
    let describeTimer = null;
    function showPlace(ok, body) {
      refused = !ok;
      refusedBox.hidden = ok;
      refusedBox.textContent = ok ? "" : body.detail;
      placeBox.textContent = "";
      placeBox.dataset.region = ok ? body.region.code : "";
      if (!ok) return;
      const where = document.createElement("div");
      where.textContent = labels.inRegion + " " + body.label;
      placeBox.appendChild(where);
      if (body.building) {
        const near = document.createElement("div");
        near.className = "text-muted";
        near.textContent = labels.nearBuilding.replace("%(name)s", body.building.name).replace("%(m)s", body.building.distance_m);
        placeBox.appendChild(near);
      }
      // The address follows the pin until the user writes one of their own.
      if (address && (address.value.trim() === "" || address.value === lastAuto)) {
        address.value = body.address;
        lastAuto = body.address;
      }
    }
    function describe() {
      const seq = ++describeSeq;
      const url = form.dataset.locateUrl + "?lon=" + encodeURIComponent(lon.value) + "&lat=" + encodeURIComponent(lat.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => response.json().then((body) => ({ ok: response.ok, status: response.status, body: body })))
        // Only a 400 refuses the place; anything else (too many look-ups) leaves the check to the server.
        .then((answer) => { if (seq === describeSeq && (answer.ok || answer.status === 400)) showPlace(answer.ok, answer.body); })
        .catch(() => {}); // offline: the server checks the point when the report is sent
    }

    function place(latlng, pan) {
      marker.setLatLng(latlng);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      coords.textContent = lat.value + ", " + lon.value;
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 16), { animate: false });
      document.getElementById("wg-intake-map").dataset.pin = lon.value + "," + lat.value;
      document.body.dispatchEvent(new Event("wg-moved"));
      clearTimeout(describeTimer);
      describeTimer = setTimeout(describe, 250);
    }
    let moved = false; // once the user has put the pin, a late GPS answer does not move it
    marker.on("dragend", () => { moved = true; place(marker.getLatLng(), false); });
    map.on("click", (event) => { moved = true; place(event.latlng, false); });
    place(L.latLng(start[0], start[1]), had);

    function locate(asked) {
      if (!navigator.geolocation) { note.hidden = false; note.textContent = labels.noGps; return; }
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          if (moved && !asked) return;
          note.hidden = true;
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        },
        () => { note.hidden = false; note.textContent = labels.noGps; },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: asked ? 0 : 60000 }, // asked: where the phone is now
      );
    }
    document.getElementById("wg-locate").addEventListener("click", () => locate(true));
    if (!had) locate(false); // early: by the time the photos are taken, the position is known

    // --- 1 photos: previews, removal, and the camera as a second way in ---
    const photoInput = document.getElementById("id_photos");
    const thumbs = document.getElementById("wg-photo-thumbs");
    const pickText = form.querySelector(".wg-photo-pick-text");
    const pickFirst = pickText ? pickText.textContent : "";
    let editable = false; // can the script set an input's files (to add to and remove from a selection)?
    try { editable = typeof DataTransfer === "function" && new DataTransfer().files !== undefined; } catch (e) { editable = false; }
    let kept = [];
    let urls = [];
    function writeFiles() {
      if (!editable) return;
      const transfer = new DataTransfer();
      kept.forEach((file) => transfer.items.add(file));
      photoInput.files = transfer.files;
    }
    function renderThumbs() {
      urls.forEach((url) => URL.revokeObjectURL(url));
      urls = [];
      thumbs.textContent = "";
      kept.forEach((file, index) => {
        const item = document.createElement("li");
        const img = document.createElement("img");
        const url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = file.name;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.dataset.remove = String(index);
        remove.setAttribute("aria-label", editable ? labels.removePhoto : labels.removePhotos);
        item.appendChild(img);
        item.appendChild(remove);
        thumbs.appendChild(item);
      });
      thumbs.dataset.count = String(kept.length);
      if (pickText) pickText.textContent = kept.length ? labels.addPhotos : pickFirst;
    }
    function addPhotos(files) {
      kept = editable ? kept.concat(files) : files;
      if (kept.length > intakeCfg.maxPhotos) {
        kept = kept.slice(0, intakeCfg.maxPhotos);
        window.alert(labels.tooManyPhotos);
      }
      writeFiles();
      renderThumbs();
    }
    if (photoInput && thumbs) {
      photoInput.addEventListener("change", () => addPhotos(Array.from(photoInput.files || [])));
      thumbs.addEventListener("click", (event) => {
        const button = event.target.closest("[data-remove]");
        if (!button) return;
        if (editable) kept.splice(parseInt(button.dataset.remove, 10), 1);
        else { kept = []; photoInput.value = ""; }
        writeFiles();
        renderThumbs();
      });
      const camera = document.getElementById("wg-photo-camera");
      const cameraInput = document.getElementById("wg-photo-camera-input");
      // Straight to the camera where there is one to hold (a phone); a desktop picks files.
      const handheld = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
      if (editable && handheld && camera && cameraInput) {
        camera.hidden = false;
        cameraInput.addEventListener("change", () => {
          addPhotos(Array.from(cameraInput.files || []));
          cameraInput.value = "";
        });
      }
    }

    // --- 3 a few words: the category suggested from them, preselected, changeable ---
    const category = document.getElementById("id_category");
    const suggestBox = document.getElementById("wg-suggest");
    const chosen = document.getElementById("wg-category-chosen");
    const chosenLabel = document.getElementById("wg-category-chosen-label");
    const categoryField = document.getElementById("wg-category-field");
    let picked = Boolean(category.value); // a category the user chose (or sent before) is never replaced
    let automatic = false;
    let fieldOpen = Boolean(form.querySelector("[data-testid=error-category]"));
    const markChosen = () => suggestBox.querySelectorAll("[data-category]").forEach((chip) => {
      const isChosen = chip.dataset.category === category.value;
      chip.classList.toggle("active", isChosen);
      chip.setAttribute("aria-pressed", isChosen ? "true" : "false");
    });
    function showChosen() {
      const option = category.options[category.selectedIndex];
      const has = Boolean(category.value) && option;
      chosenLabel.textContent = has ? option.textContent : "";
      chosen.hidden = !has || fieldOpen;
      categoryField.hidden = has && !fieldOpen;
    }
    function setCategory(code, byUser) {
      if (byUser) picked = true;
      automatic = !byUser;
      category.value = code;
      category.dispatchEvent(new Event("change", { bubbles: true }));
      automatic = false;
    }
    suggestBox.addEventListener("click", (event) => {
      const chip = event.target.closest("[data-category]");
      if (chip) setCategory(chip.dataset.category, true);
    });
    category.addEventListener("change", () => {
      if (!automatic) picked = true;
      markChosen();
      showChosen();
    });
    suggestBox.addEventListener("htmx:afterSwap", () => {
      const best = suggestBox.querySelector("[data-category]");
      if (!picked && best) setCategory(best.dataset.category, false);
      markChosen();
    });
    document.getElementById("wg-category-change").addEventListener("click", () => {
      fieldOpen = true;
      showChosen();
      category.focus();
    });
    showChosen();

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

    // --- the steps: one at a time on a phone, all at once on a wider screen ---
    const steps = Array.from(form.querySelectorAll("[data-step]"));
    const marks = Array.from(form.querySelectorAll("[data-step-mark]"));
    let current = 1;
    function showStep(n) {
      current = n;
      steps.forEach((step) => step.classList.toggle("wg-step-current", Number(step.dataset.step) === n));
      marks.forEach((mark) => {
        const at = Number(mark.dataset.stepMark);
        mark.classList.toggle("wg-current", at === n);
        mark.classList.toggle("wg-done", at < n);
        if (at === n) mark.setAttribute("aria-current", "step");
        else mark.removeAttribute("aria-current");
      });
      form.dataset.step = String(n);
      if (n === 2) { // the map was drawn while hidden: measure it again and bring the pin into view
        map.invalidateSize({ animate: false });
        map.panTo(marker.getLatLng(), { animate: false });
      }
    }
    function refuse() {
      refusedBox.hidden = false;
      refusedBox.focus();
      refusedBox.scrollIntoView({ block: "center" });
    }
    function goTo(n) {
      if (n > 2 && current <= 2 && refused) { showStep(2); refuse(); return; }
      showStep(n);
      window.scrollTo(0, form.getBoundingClientRect().top + window.pageYOffset - 16);
      history.pushState({ wgStep: n }, "");
    }
    form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-step-go]");
      if (!button) return;
      const target = Number(button.dataset.stepGo);
      // Back is the browser's back too (the phone's back key must not leave the page and lose the photos).
      if (target < current && history.state && history.state.wgStep === current) history.back();
      else goTo(target);
    });
    window.addEventListener("popstate", (event) => {
      showStep(event.state && event.state.wgStep ? event.state.wgStep : 1);
    });
    refusedBox.setAttribute("tabindex", "-1");
    window.matchMedia("(max-width: 576px)").addListener(() => map.invalidateSize({ animate: false }));
    // A form sent back with errors opens at the first step that has one.
    const firstError = steps.find((step) => step.querySelector(".is-invalid, .invalid-feedback.d-block"));
    form.classList.add("wg-stepped");
    showStep(firstError ? Number(firstError.dataset.step) : (history.state && history.state.wgStep) || 1);

    // One click sends once (the idempotency key covers retries and double taps as well); never a point
    // outside the area served.
    form.addEventListener("submit", (event) => {
      if (refused) {
        event.preventDefault();
        showStep(2);
        refuse();
        return;
      }
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
