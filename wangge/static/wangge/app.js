// Behaviour every page shares, bound from data- attributes: the pages carry no inline scripts (the
// Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";

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
