// Small behaviours without inline script (CSP): confirm buttons, auto-submit selects, charts.
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
});
// A form posts once: its submit buttons are disabled once it goes (after the browser has taken the
// clicked button's name/value); the one-time token (core.views.SubmitOnceMixin) covers the rest.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || (form.method || "").toLowerCase() !== "post" || form.target === "_blank") { return; }
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("data-once-disabled", "");
    });
  }, 0);
});
// back to a page from the browser's cache: its buttons work again
window.addEventListener("pageshow", function () {
  document.querySelectorAll("[data-once-disabled]").forEach(function (b) {
    b.disabled = false;
    b.removeAttribute("data-once-disabled");
  });
});
document.addEventListener("change", function (e) {
  var el = e.target.closest("[data-autosubmit]");
  if (el && el.form) { el.form.requestSubmit(); }
});
// Unit pickers over thousands of units: a select the user can type into (Tom Select, from npm).
function duban_search_selects(root) {
  if (!window.TomSelect) { return; }
  root.querySelectorAll("select[data-search]").forEach(function (el) {
    if (el.tomselect) { return; }
    new window.TomSelect(el, {
      maxOptions: 100,
      placeholder: el.dataset.placeholder || "输入名称搜索单位",
      closeAfterSelect: true,
      plugins: el.multiple ? ["remove_button"] : (el.required ? [] : ["clear_button"]),
      render: {
        // the options keep their tree indentation; a chosen unit shows its name only
        item: function (data, escape) { return "<div>" + escape(data.text.replace(/^\u3000+/, "")) + "</div>"; },
        no_results: function (data, escape) { return '<div class="no-results">' + escape(el.dataset.empty || "没有匹配的单位") + "</div>"; },
      },
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { duban_search_selects(document); });
document.addEventListener("htmx:load", function (e) { duban_search_selects(e.target); });
