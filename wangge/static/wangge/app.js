// Behaviour every page shares, bound from data- attributes: the pages carry no inline scripts (the
// Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";

  // On a phone a row of tabs scrolls inside itself: show the active one rather than the first ones.
  for (const active of document.querySelectorAll(".nav-tabs .nav-link.active")) {
    const bar = active.closest(".nav-tabs");
    if (bar.scrollWidth <= bar.clientWidth) continue;
    const tab = active.getBoundingClientRect();
    const box = bar.getBoundingClientRect();
    bar.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
  }

  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.matches("select[data-submit-on-change]") && field.form) field.form.submit();
    if (field.matches("select[data-navigate-on-change]")) location.search = field.value;
  });

  document.addEventListener("click", (event) => {
    const expander = event.target.closest("[data-expand-once]");
    if (expander) {
      expander.disabled = true;
      expander.textContent = expander.dataset.expandOnce;
    }
    const drill = event.target.closest("[data-drill]");
    const base = drill && drill.closest("[data-drill-url]");
    if (base) location.href = base.dataset.drillUrl + "?code=" + encodeURIComponent(drill.dataset.drill);
  });
})();
