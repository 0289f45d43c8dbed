// The question form: show the options editor only for choice questions and the rows editor only
// for a matrix (the server ignores the other fields either way).
(function () {
  "use strict";
  function update(form) {
    var type = form.querySelector("[name=type]");
    if (!type) return;
    var choice = type.value === "single" || type.value === "multiple";
    var toggle = function (name, on) {
      var box = form.querySelector('[data-field="' + name + '"]');
      if (box) box.hidden = !on;
    };
    toggle("options_text", choice);
    toggle("rows_text", type.value === "matrix");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("question-form");
    if (!form) return;
    update(form);
    form.addEventListener("change", function (e) {
      if (e.target.name === "type") update(form);
    });
  });
})();
