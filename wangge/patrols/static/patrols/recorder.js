// The patrol recorder: watches the phone's position while a patrol is open, keeps every point in
// localStorage first (so nothing is lost without signal or when the page is closed) and sends them in
// batches, each with an id of its own: a batch resent after a timeout is recognised by the server and
// changes nothing. Config comes from the data- attributes of #patrol-recorder (no inline script: CSP).
(function () {
  "use strict";
  const box = document.getElementById("patrol-recorder");
  if (!box) return;
  const url = box.dataset.pointsUrl;
  const key = "wangge.patrol." + box.dataset.patrol;
  const statusEl = document.getElementById("patrol-status");
  const pendingEl = document.getElementById("patrol-pending");
  const BATCH_MAX = 500;
  const SEND_EVERY_MS = 15000;
  let sending = false;

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "{}");
      return { points: saved.points || [], batch: saved.batch || null };
    } catch (e) {
      return { points: [], batch: null };
    }
  }
  function save(state) {
    localStorage.setItem(key, JSON.stringify(state));
    if (pendingEl) pendingEl.textContent = String(state.points.length + (state.batch ? state.batch.points.length : 0));
  }
  function say(text) {
    if (statusEl) statusEl.textContent = text;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function record(position) {
    const c = position.coords;
    const state = load();
    state.points.push([
      Math.round(c.longitude * 1e7) / 1e7,
      Math.round(c.latitude * 1e7) / 1e7,
      Math.floor(position.timestamp / 1000),
      Math.round(c.accuracy || 0),
    ]);
    save(state);
    say("GPS ±" + Math.round(c.accuracy || 0) + " m");
  }

  async function send() {
    if (sending) return;
    const state = load();
    if (!state.batch) {
      if (!state.points.length) return;
      // The batch is fixed (id and points) before it leaves: a retry sends exactly the same batch.
      state.batch = { batch_id: newId(), points: state.points.slice(0, BATCH_MAX) };
      state.points = state.points.slice(BATCH_MAX);
      save(state);
    }
    sending = true;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": box.dataset.csrf },
        body: JSON.stringify(state.batch),
      });
      if (response.ok || response.status === 400 || response.status === 404 || response.status === 422) {
        const after = load();
        after.batch = null; // stored, replayed or refused for good: do not send it again
        save(after);
        if (response.ok) say(box.dataset.textSent + " · " + new Date().toLocaleTimeString());
      } else {
        say(box.dataset.textOffline);
      }
    } catch (e) {
      say(box.dataset.textOffline);
    } finally {
      sending = false;
    }
  }

  save(load());
  if (!("geolocation" in navigator)) {
    say(box.dataset.textDenied);
  } else {
    navigator.geolocation.watchPosition(record, function () { say(box.dataset.textDenied); }, {
      enableHighAccuracy: true,
      maximumAge: 5000,
      timeout: 30000,
    });
  }
  setInterval(send, SEND_EVERY_MS);
  window.addEventListener("online", send);
  const form = document.getElementById("patrol-finish-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      // Send what is left before finishing; points still unsent stay on the phone and go later.
      if (form.dataset.flushed) return;
      event.preventDefault();
      const done = function () { form.dataset.flushed = "1"; form.submit(); };
      send().then(send).then(done, done);
    });
  }
})();
