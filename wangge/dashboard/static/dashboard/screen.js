// The command-centre screen: tiles, rates, ECharts charts, the map coloured by open/overdue cases and
// the rankings, all from /api/v1/dashboard (scoped on the server). Every number links to its cases.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("wg-screen-config").textContent);
  const q = cfg.node.query;
  const labels = cfg.labels;
  const charts = {};
  let colourBy = "overdue";
  let mapCounts = {};

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(url + " → " + response.status);
    return response.json();
  }
  const api = (path, extra) => getJSON(`${cfg.api}/${path}?${q}${extra ? "&" + extra : ""}`);
  const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
  const num = (v) => (Math.round(v * 100) / 100).toLocaleString();

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== "") node.setAttribute(k, v); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- clock ---------------------------------------------------------------------------------------
  const clock = document.getElementById("wg-clock");
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  function tick() { if (clock) clock.textContent = clockFormat.format(new Date()); }
  tick();
  setInterval(tick, 1000);

  // --- tiles and rates -----------------------------------------------------------------------------
  function renderSummary(data) {
    data.tiles.forEach((tile) => {
      const box = document.getElementById("tile-" + tile.code);
      if (!box) return;
      box.querySelector(".wg-tile-value").textContent = tile.value.toLocaleString();
      box.querySelector(".wg-tile-label").textContent = tile.label;
      box.href = tile.link;
      box.dataset.value = tile.value;
    });
    const rates = document.getElementById("wg-rates");
    rates.replaceChildren(...data.rates.map((rate) => {
      const card = el("a", { class: "wg-rate", href: rate.link, "data-testid": "rate-" + rate.code, "data-value": rate.value });
      card.append(el("div", { class: "wg-rate-name" }, rate.name + (rate.weight ? ` · ${rate.weight}` : "")));
      card.append(el("div", { class: "wg-rate-value" }, pct(rate.value)));
      const bar = el("div", { class: "wg-rate-bar" });
      const fill = el("span");
      fill.style.width = rate.value === null ? "0" : Math.min(100, rate.value * 100) + "%";
      bar.append(fill);
      card.append(bar);
      card.append(el("div", { class: "wg-rate-sub" }, `${num(rate.numerator)} / ${num(rate.denominator)}`));
      return card;
    }));
    const score = document.getElementById("tile-score");
    score.querySelector(".wg-tile-value").textContent = data.score === null ? "—" : data.score.toFixed(1);
    score.className = "wg-tile wg-score" + (data.tier ? " wg-tier-" + data.tier : "");
  }

  // --- charts --------------------------------------------------------------------------------------
  const AXIS = { axisLine: { lineStyle: { color: "#3d6a9e" } }, axisLabel: { color: "#8fb3d9" }, splitLine: { lineStyle: { color: "#17355f" } } };

  function chart(id) {
    const box = document.getElementById(id);
    if (!box || !window.echarts) return null;
    if (!charts[id]) {
      charts[id] = echarts.init(box, null, { renderer: "canvas" });
      charts[id].on("click", (params) => { if (params.data && params.data.link) location.href = params.data.link; });
    }
    return charts[id];
  }

  function renderTrend(data) {
    const c = chart("chart-trend");
    if (!c) return;
    const intake = data.measure === "dispatched" ? ["dispatched", labels.received, "#4dabf7"] : ["reported", labels.reported, "#4dabf7"];
    const series = [intake, ["closed", labels.closed, "#51cf66"]];
    c.setOption({
      grid: { left: 36, right: 10, top: 28, bottom: 22 },
      legend: { top: 0, textStyle: { color: "#8fb3d9" }, itemHeight: 8 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.days.map((d) => d.slice(5)), ...AXIS },
      yAxis: { type: "value", minInterval: 1, ...AXIS },
      series: series.map(([key, name, color]) => ({
        name, type: "line", smooth: true, symbolSize: 5, itemStyle: { color },
        data: data.series[key].map((value, i) => ({ value, link: data.links[key].replace(/date_from=[^&]*&date_to=[^&]*/, `date_from=${data.days[i]}&date_to=${data.days[i]}`) })),
      })),
    }, true);
  }

  const EMPTY = () => ({ title: { text: labels.noData, left: "center", top: "middle", textStyle: { color: "#7f9cc0", fontSize: 14, fontWeight: "normal" } } });

  function renderCategories(data) {
    const c = chart("chart-categories");
    if (!c) return;
    if (!data.items.length) { c.setOption(EMPTY(), true); return; }
    const items = data.items.slice().reverse();
    c.setOption({
      grid: { left: 8, right: 34, top: 6, bottom: 6, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, ...AXIS },
      yAxis: { type: "category", data: items.map((i) => i.name), ...AXIS, axisLabel: { color: "#dce6f2", width: 110, overflow: "truncate" } },
      series: [{ type: "bar", barMaxWidth: 14, itemStyle: { color: "#339af0" }, label: { show: true, position: "right", color: "#dce6f2" },
                 data: items.map((i) => ({ value: i.reported, link: i.link })) }],
    }, true);
  }

  function renderSources(data) {
    const c = chart("chart-sources");
    if (!c) return;
    if (!data.items.length) { c.setOption(EMPTY(), true); return; }
    c.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { orient: "vertical", right: 0, top: "middle", textStyle: { color: "#dce6f2" } },
      color: ["#4dabf7", "#51cf66", "#ffd43b", "#ff922b", "#cc5de8", "#20c997", "#ff6b6b", "#adb5bd"],
      series: [{ type: "pie", radius: ["45%", "72%"], center: ["35%", "52%"], label: { color: "#dce6f2", formatter: "{c}" },
                 data: data.items.map((i) => ({ name: i.name, value: i.reported, link: i.link })) }],
    }, true);
  }

  // --- rankings ------------------------------------------------------------------------------------
  function renderRanking(id, data, drillable) {
    const box = document.getElementById(id);
    if (!box) return;
    if (!data.items.length) { box.replaceChildren(el("p", { class: "wg-muted" }, labels.noData)); return; }
    const table = document.getElementById("wg-rank-template").content.firstElementChild.cloneNode(true);
    const body = table.querySelector("tbody");
    data.items.forEach((item) => {
      const row = el("tr", { "data-testid": "rank-row" });
      row.append(el("td", {}, item.rank));
      const name = el("td");
      name.append(el("span", { class: "wg-tier wg-tier-dot-" + (item.tier || ""), title: item.tier || "" }));
      name.append(drillable && item.query ? el("a", { href: "?" + item.query }, item.name) : el("span", {}, item.name));
      row.append(name);
      const rate = el("td", { class: "text-end" });
      rate.append(item.link ? el("a", { href: item.link }, pct(item.on_time)) : el("span", {}, pct(item.on_time)));
      row.append(rate);
      row.append(el("td", { class: "text-end" }, `${num(item.numerator)} / ${num(item.denominator)}`));
      row.append(el("td", { class: "text-end" }, item.score === null ? "—" : item.score.toFixed(1)));
      body.append(row);
    });
    box.replaceChildren(table);
  }

  // --- map -----------------------------------------------------------------------------------------
  let map = null;
  let layer = null;
  const mapBox = document.getElementById("screen-map");
  const SCALE = { overdue: ["#1b3a5c", "#7a2e2e", "#b3261e", "#e03131", "#ff6b6b"], open: ["#1b3a5c", "#7a5a1e", "#b3801e", "#f08c00", "#ffd43b"] };

  function shade(value, max) {
    const steps = SCALE[colourBy];
    if (!value) return steps[0];
    return steps[Math.min(steps.length - 1, 1 + Math.floor((value / Math.max(max, 1)) * (steps.length - 2) + 0.0001))];
  }

  function styleAll() {
    if (!layer) return;
    const values = Object.values(mapCounts).map((c) => c[colourBy]);
    const max = Math.max(1, ...values);
    layer.eachLayer((l) => {
      const counts = mapCounts[l.feature.id] || { open: 0, overdue: 0 };
      l.setStyle({ color: "#8fd3ff", weight: 1, fillColor: shade(counts[colourBy], max), fillOpacity: 0.85 });
      // Permanent labels stay short (name and the coloured figure) so that neighbours do not overlap;
      // hover labels carry both figures.
      const label = el("span", {}, l.feature.properties.name);
      if (l.getTooltip().options.permanent) label.append(" ", el("b", {}, String(counts[colourBy])));
      else label.append(el("br"), `${labels.open} ${counts.open} · ${labels.overdue} ${counts.overdue}`);
      l.setTooltipContent(label);
    });
    const legend = document.getElementById("wg-legend");
    if (legend) {
      legend.replaceChildren(...SCALE[colourBy].map((color, i) => {
        const item = el("span");
        const swatch = el("i");
        swatch.style.background = color;
        item.append(swatch, document.createTextNode(i === 0 ? "0" : i === SCALE[colourBy].length - 1 ? `≤ ${max}` : ""));
        return item;
      }));
    }
  }

  async function drawMap() {
    if (!mapBox || !window.L) return;
    if (!map) {
      map = L.map(mapBox, { attributionControl: false, zoomSnap: 0.1, doubleClickZoom: false });
      if (cfg.tileUrl) L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
      map.setView([31.4, 120.9], 11);
    }
    const collection = await getJSON(`${cfg.regionsApi}/${encodeURIComponent(cfg.mapRegion)}/children.geojson`);
    const features = cfg.hasChildren ? collection.features : [collection.parent].filter((f) => f && f.geometry);
    if (layer) layer.remove();
    layer = L.geoJSON({ type: "FeatureCollection", features }, {
      onEachFeature: (feature, l) => {
        const permanent = features.length <= 30 && mapBox.clientWidth >= 700;
        l.bindTooltip(el("span", {}, feature.properties.name), { permanent, direction: "center", className: "wg-screen-label" });
        if (cfg.drillable) l.on("click", () => { location.search = "?region=" + encodeURIComponent(feature.id); });
      },
    }).addTo(map);
    map.invalidateSize();
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
    styleAll();
    mapBox.dataset.ready = "1";
  }

  // Both rankings follow one period switch: this month, or the last 30 days (early in a month).
  let rankPeriod = "month";
  function loadRankings() {
    return [
      api("ranking", `by=children&period=${rankPeriod}`).then((d) => renderRanking("ranking-children", d, true)),
      api("ranking", `by=departments&period=${rankPeriod}`).then((d) => renderRanking("ranking-departments", d, false)),
    ];
  }
  document.querySelectorAll("[data-period]").forEach((button) => button.addEventListener("click", () => {
    rankPeriod = button.dataset.period;
    document.querySelectorAll("[data-period]").forEach((b) => b.classList.toggle("active", b.dataset.period === rankPeriod));
    Promise.allSettled(loadRankings());
  }));

  document.querySelectorAll("[data-colour]").forEach((button) => button.addEventListener("click", () => {
    colourBy = button.dataset.colour;
    document.querySelectorAll("[data-colour]").forEach((b) => b.classList.toggle("active", b === button));
    styleAll();
  }));

  // --- loading -------------------------------------------------------------------------------------
  async function refresh(first) {
    const jobs = [
      api("summary").then(renderSummary),
      api("trend", "days=30").then(renderTrend),
      api("breakdown", "dim=category&days=30&top=10").then(renderCategories),
      api("breakdown", "dim=source&days=30").then(renderSources),
      ...loadRankings(),
      api("map").then((d) => { mapCounts = d.regions; if (first) return drawMap(); styleAll(); return null; }),
    ];
    const results = await Promise.allSettled(jobs);
    results.filter((r) => r.status === "rejected").forEach((r) => console.warn(r.reason));
    Object.values(charts).forEach((c) => c.resize());
    if (first && map && layer) {
      // The tiles and charts above have their final size only now: fit the map again.
      map.invalidateSize();
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
    }
    document.querySelector("[data-testid=screen]").dataset.loaded = "1";
  }

  window.addEventListener("resize", () => {
    Object.values(charts).forEach((c) => c.resize());
    if (map) map.invalidateSize();
  });
  refresh(true);
  setInterval(() => refresh(false), cfg.refreshSeconds * 1000);
})();
