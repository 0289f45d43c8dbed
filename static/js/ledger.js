// Task ledger: print button, and drop empty filter fields from the query (shorter, shareable URLs).
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-print]");
  if (el) { e.preventDefault(); window.print(); }
});
document.addEventListener("htmx:configRequest", function (e) {
  var form = e.detail.elt;
  if (!form || !form.matches || !form.matches("form.ledger-filters")) { return; }
  var fd = e.detail.formData;
  if (!fd) { return; }
  var empty = [];
  fd.forEach(function (value, key) { if (value === "") { empty.push(key); } });
  empty.forEach(function (key) { fd.delete(key); });
});
document.addEventListener("submit", function (e) {
  // Without htmx (or before it loads) the same clean-up for a plain GET submit.
  var form = e.target;
  if (!form.matches("form.ledger-filters") || window.htmx) { return; }
  Array.prototype.forEach.call(form.elements, function (el) {
    if (el.name && el.value === "") { el.disabled = true; }
  });
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form.ledger-filters [disabled]").forEach(function (el) { el.disabled = false; });
});
