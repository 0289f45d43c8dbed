// Small behaviours without inline script (CSP): confirm buttons, auto-submit selects, charts.
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
});
document.addEventListener("change", function (e) {
  var el = e.target.closest("[data-autosubmit]");
  if (el && el.form) { el.form.requestSubmit(); }
});
