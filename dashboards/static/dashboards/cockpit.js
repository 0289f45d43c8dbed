/* 领导驾驶舱: ECharts from the page's JSON (#cockpit-data); every element carries the URL of the
   ledger rows behind it, and a click goes there. */
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("cockpit-data");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    var screen = !!document.querySelector(".cockpit-screen");
    var fg = screen ? "#e9eef5" : "#333";
    var base = { textStyle: { fontSize: screen ? 16 : 12, color: fg }, animation: false };
    var charts = [];

    function make(key, option) {
      var el = document.querySelector('[data-chart="' + key + '"]');
      if (!el) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(Object.assign({}, base, option));
      chart.on("click", function (p) {
        var url = (p.data && p.data.url) || null;
        if (url) window.location.href = url;
      });
      el.dataset.ready = "1";
      charts.push(chart);
    }
    function legend() { return { top: 0, textStyle: { color: fg } }; }
    function axisLabel() { return { color: fg, interval: 0, rotate: data.units.units.length > 6 ? 30 : 0 }; }
    function ring(items) {
      return {
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0, textStyle: { color: fg } },
        series: [{ type: "pie", radius: ["32%", "56%"], center: ["50%", "45%"], data: items,
                   label: { formatter: "{b}\n{c}", color: fg, overflow: "none", textBorderWidth: 0 } }]
      };
    }
    function rateBars(names, a, b, nameA, nameB) {
      return {
        tooltip: { trigger: "axis", formatter: function (ps) {
          return ps.map(function (p) { return p.seriesName + "：" + (p.data.label || "—"); }).join("<br>"); } },
        legend: legend(),
        grid: { left: 40, right: 10, top: 30, bottom: 60 },
        xAxis: { type: "category", data: names, axisLabel: axisLabel() },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", color: fg } },
        series: [
          { name: nameA, type: "bar", data: a, label: { show: !screen && names.length <= 8, position: "top", color: fg, textBorderWidth: 0, formatter: function (p) { return p.data.value == null ? "—" : p.data.value + "%"; } } },
          { name: nameB, type: "bar", data: b }
        ]
      };
    }
    function bars(names, series) {
      return {
        tooltip: { trigger: "axis" },
        legend: legend(),
        grid: { left: 40, right: 10, top: 30, bottom: 60 },
        xAxis: { type: "category", data: names, axisLabel: axisLabel() },
        yAxis: { type: "value", minInterval: 1, axisLabel: { color: fg } },
        series: series
      };
    }
    var u = data.units;
    make("status", ring(data.rings.status));
    make("light", ring(data.rings.light));
    make("red", bars(u.units, [{ name: "红灯任务", type: "bar", data: u.red, itemStyle: { color: "#dc3545" },
                                 label: { show: true, position: "top", color: fg, textBorderWidth: 0 } }]));
    make("unit_rates", rateBars(u.units, u.completion, u.on_time, "完成率", "按期办结率"));
    make("category_rates", rateBars(data.categories.categories, data.categories.completion,
                                    data.categories.on_time, "完成率", "按期办结率"));
    make("rect", bars(u.units, [
      { name: "应整改", type: "bar", data: u.rect.total, itemStyle: { color: "#0d6efd" } },
      { name: "已整改", type: "bar", data: u.rect.closed, itemStyle: { color: "#198754" } },
      { name: "正在整改", type: "bar", data: u.rect.in_work, itemStyle: { color: "#ffc107" } },
      { name: "逾期", type: "bar", data: u.rect.overdue, itemStyle: { color: "#dc3545" } }
    ]));
    make("reports", bars(u.units, [
      { name: "迟报", type: "bar", data: u.report_late, itemStyle: { color: "#fd7e14" } },
      { name: "缺报", type: "bar", data: u.report_missing, itemStyle: { color: "#6f42c1" } }
    ]));
    var t = data.trend;
    function line(name, key, color) {
      return { name: name, type: "line", data: t.map(function (p) { return p[key]; }), itemStyle: { color: color }, connectNulls: false };
    }
    make("trend", {
      tooltip: { trigger: "axis" }, legend: legend(),
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: t.map(function (p) { return p.day.slice(5); }), axisLabel: { color: fg } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: fg } },
      series: [line("红灯", "red", "#dc3545"), line("黄灯", "yellow", "#ffc107"), line("绿灯", "green", "#198754"),
               line("已办结", "done", "#6c757d"), line("迟报", "report_late", "#fd7e14"), line("整改逾期", "problems_overdue", "#6f42c1")]
    });
    var top = data.top.slice().reverse();
    make("top", {
      tooltip: { trigger: "item" },
      grid: { left: 110, right: 30, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: fg } },
      yAxis: { type: "category", data: top.map(function (p) { return p.name; }), axisLabel: { color: fg, width: 100, overflow: "truncate" } },
      series: [{ name: "红灯任务", type: "bar", data: top, itemStyle: { color: "#dc3545" }, label: { show: true, position: "right", color: fg, textBorderWidth: 0 } }]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
    document.querySelector("[data-cockpit]").dataset.ready = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
