/* The public answer sheet (surveys/public.py), a progressive enhancement of the plain form:
   - the skip rule: a question with data-show-if shows only when the earlier answer is one of
     data-show-values (the server applies the same rule again);
   - the answers kept in localStorage per link as they are typed, with the sheet's client_key
     (drawn once per sheet: a retry or a sheet finished later is stored once), restored when the
     page is opened again and cleared after the thanks page;
   - one question per screen (a toggle, remembered on the device);
   - the submit button taken once (a double tap sends one sheet). */
(function () {
  "use strict";
  var PREFIX = "duban-survey:";
  var MODE_KEY = "duban-survey-one-by-one";
  var PENDING = "duban-survey-pending";

  function store() {
    try { var s = window.localStorage; s.setItem("duban-survey-probe", "1"); s.removeItem("duban-survey-probe"); return s; }
    catch (e) { return null; }
  }

  function done() {
    var box = document.querySelector("[data-survey-done]");
    var s = store();
    if (!box || !s) { return; }
    s.removeItem(PREFIX + box.getAttribute("data-survey-done"));
    try {
      var pending = window.sessionStorage.getItem(PENDING);
      if (pending) { s.removeItem(pending); window.sessionStorage.removeItem(PENDING); }
    } catch (e) { /* no session storage: the link's key is cleared above */ }
  }

  function Sheet(form) {
    this.form = form;
    this.storage = store();
    var token = form.querySelector("input[name=token]");
    this.key = PREFIX + form.getAttribute("data-survey-slug") + (token && token.value ? ":" + token.value : "");
    this.questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
    this.current = 0;
    this.oneByOne = false;
  }

  Sheet.prototype.fields = function () {
    return Array.prototype.slice.call(this.form.querySelectorAll("[data-question] input, [data-question] textarea"));
  };

  Sheet.prototype.values = function () {
    var out = {};
    this.fields().forEach(function (el) {
      if (el.disabled) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { (out[el.name] = out[el.name] || []).push(el.value); }
      } else if (el.value) {
        out[el.name] = [el.value];
      }
    });
    return out;
  };

  Sheet.prototype.save = function () {
    if (!this.storage) { return; }
    var clientKey = this.form.querySelector("input[name=client_key]").value;
    try {
      this.storage.setItem(this.key, JSON.stringify({ client_key: clientKey, answers: this.values(), at: Date.now() }));
    } catch (e) { /* storage full: the sheet still submits */ }
  };

  Sheet.prototype.restore = function () {
    if (!this.storage) { return; }
    var saved;
    try { saved = JSON.parse(this.storage.getItem(this.key) || "null"); } catch (e) { saved = null; }
    if (!saved || typeof saved !== "object") { return; }
    var hidden = this.form.querySelector("input[name=client_key]");
    if (saved.client_key && /^[A-Za-z0-9_-]{16,40}$/.test(saved.client_key)) { hidden.value = saved.client_key; }
    if (document.querySelector("[data-sheet-errors]")) { return; } // the server's page keeps what was sent
    var answers = saved.answers || {};
    this.fields().forEach(function (el) {
      var given = answers[el.name];
      if (!given) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = given.indexOf(el.value) !== -1; }
      else { el.value = given[0]; }
    });
  };

  Sheet.prototype.chosen = function (name) {
    return Array.prototype.slice.call(this.form.querySelectorAll("input[name='" + name + "']:checked"))
      .map(function (el) { return el.value; });
  };

  Sheet.prototype.applyRules = function () {
    var self = this;
    this.questions.forEach(function (q) {
      var on = q.getAttribute("data-show-if");
      if (!on) { return; }
      var wanted = (q.getAttribute("data-show-values") || "").split(",");
      var shown = self.chosen(on).some(function (v) { return wanted.indexOf(v) !== -1; });
      q.hidden = !shown;
      q.classList.toggle("d-none", !shown);
      Array.prototype.forEach.call(q.querySelectorAll("input, textarea"), function (el) { el.disabled = !shown; });
    });
  };

  Sheet.prototype.shown = function () {
    return this.questions.filter(function (q) { return !q.hidden; });
  };

  Sheet.prototype.answered = function (q) {
    var fields = Array.prototype.slice.call(q.querySelectorAll("input, textarea"));
    var names = {};
    fields.forEach(function (el) { names[el.name] = names[el.name] || false; });
    fields.forEach(function (el) {
      if (((el.type === "radio" || el.type === "checkbox") && el.checked) || (el.type !== "radio" && el.type !== "checkbox" && el.value.trim())) {
        names[el.name] = true;
      }
    });
    return Object.keys(names).every(function (n) { return names[n]; });
  };

  Sheet.prototype.show = function () {
    var shown = this.shown();
    var steps = this.form.querySelector("[data-steps]");
    var submitRow = this.form.querySelector("[data-submit-row]");
    var self = this;
    if (this.current >= shown.length) { this.current = shown.length - 1; }
    if (this.current < 0) { this.current = 0; }
    this.questions.forEach(function (q) {
      q.classList.toggle("survey-off", self.oneByOne && q !== shown[self.current]);
      q.classList.toggle("d-none", q.hidden || (self.oneByOne && q !== shown[self.current]));
    });
    Array.prototype.forEach.call(this.form.querySelectorAll(".survey-section"), function (section) {
      var visible = Array.prototype.some.call(section.querySelectorAll("[data-question]"), function (q) { return !q.classList.contains("d-none"); });
      section.classList.toggle("d-none", !visible);
    });
    steps.classList.toggle("d-none", !this.oneByOne);
    submitRow.classList.toggle("d-none", this.oneByOne && this.current < shown.length - 1);
    steps.querySelector("[data-step='-1']").disabled = this.current === 0;
    steps.querySelector("[data-step='1']").classList.toggle("d-none", this.current >= shown.length - 1);
    steps.querySelector("[data-progress]").textContent = "第 " + (this.current + 1) + " / " + shown.length + " 题";
  };

  Sheet.prototype.step = function (by) {
    var q = this.shown()[this.current];
    var note = q && q.querySelector(".survey-step-note");
    if (by > 0 && q && q.querySelector("legend.required") && !this.answered(q)) {
      if (!note) {
        note = document.createElement("div");
        note.className = "text-danger mt-2 survey-step-note";
        note.setAttribute("role", "alert");
        note.textContent = "本题为必答题，请作答后再进入下一题";
        q.appendChild(note);
      }
      return;
    }
    if (note) { note.remove(); }
    this.current += by;
    this.show();
    window.scrollTo(0, 0);
  };

  Sheet.prototype.start = function () {
    var self = this;
    var form = this.form;
    this.restore();
    this.applyRules();
    if (this.storage) { document.querySelector("[data-saved-note]").classList.remove("d-none"); }
    var toggle = document.getElementById("one-by-one");
    document.querySelector("[data-one-by-one-toggle]").classList.remove("d-none");
    this.oneByOne = !!(this.storage && this.storage.getItem(MODE_KEY) === "1");
    toggle.checked = this.oneByOne;
    var firstError = this.shown().findIndex(function (q) { return q.querySelector(".survey-error"); });
    this.current = firstError > 0 ? firstError : 0;
    this.show();
    toggle.addEventListener("change", function () {
      self.oneByOne = toggle.checked;
      if (self.storage) { self.storage.setItem(MODE_KEY, toggle.checked ? "1" : "0"); }
      self.show();
    });
    form.addEventListener("change", function (event) {
      var q = event.target.closest("[data-question]");
      var note = q && q.querySelector(".survey-step-note");
      if (note) { note.remove(); }
      var error = q && q.querySelector(".survey-error");
      if (error) { error.remove(); q.classList.remove("border-danger"); } // answered now
      self.applyRules();
      self.save();
      if (self.oneByOne) { self.show(); }
    });
    form.addEventListener("input", function () { self.save(); });
    Array.prototype.forEach.call(form.querySelectorAll("[data-step]"), function (button) {
      button.addEventListener("click", function () { self.step(parseInt(button.getAttribute("data-step"), 10)); });
    });
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-submit]");
      if (button.disabled) { event.preventDefault(); return; }
      self.save();
      try { window.sessionStorage.setItem(PENDING, self.key); } catch (e) { /* cleared by link on thanks */ }
      button.disabled = true;
      button.textContent = "正在提交…";
    });
    window.addEventListener("pageshow", function () {
      var button = form.querySelector("[data-submit]");
      button.disabled = false;
      button.textContent = "提交答卷";
    });
    this.save();
  };

  document.addEventListener("DOMContentLoaded", function () {
    done();
    var form = document.querySelector("form[data-survey-slug]");
    if (form) { new Sheet(form).start(); }
  });
})();
