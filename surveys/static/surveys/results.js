/* 测评结果: the bar charts from the page's JSON (#results-data: units or items with the
   threshold line, below-threshold bars red; #results-dists: each question's distribution). Every
   bar with a URL opens the responses (or the unit) behind it. */
(function () {
  "use strict";
  var RED = "#dc3545", BLUE = "#2f6fb5", GREY = "#adb5bd";

  function init(el, option) {
    if (!el || !window.echarts) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, option));
    chart.on("click", function (p) {
      if (p.data && p.data.url) window.location.href = p.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
    return chart;
  }

  function mainChart(data) {
    var el = document.querySelector('[data-chart="main"]');
    var rows = data.units;
    var items = data.kind === "items";
    var narrow = el && el.clientWidth < 520;
    var names = rows.map(function (r) { return r.name; });
    var bars = rows.map(function (r) {
      var low = r.value !== null && (r.below || r.value < data.threshold);
      return { value: r.value === null ? 0 : r.value, url: r.url, label: r.label,
               itemStyle: { color: r.value === null ? GREY : (low ? RED : BLUE) } };
    });
    init(el, {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + p.data.label; } },
      grid: items ? { left: 8, right: narrow ? 40 : 96, top: 28, bottom: 10, containLabel: true }
                  : { left: 40, right: 70, top: 24, bottom: 70 },
      xAxis: items ? { type: "value", min: 0, max: 100, splitNumber: narrow ? 2 : 5 }
                   : { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 ? 25 : 0 } },
      yAxis: items ? { type: "category", data: names, inverse: true,
                       axisLabel: { width: narrow ? 90 : 170, overflow: "truncate" } }
                   : { type: "value", min: 0, max: 100 },
      series: [{
        type: "bar", data: bars, barMaxWidth: 36,
        label: { show: true, position: items ? "right" : "top",
                 formatter: function (p) { return narrow ? p.data.label.split(" · ")[0] : p.data.label; } },
        markLine: { symbol: "none", silent: true, lineStyle: { color: RED, type: "dashed" },
                    label: { formatter: "阈值 " + data.threshold, position: items ? "start" : "end", color: RED },
                    data: [items ? { xAxis: data.threshold } : { yAxis: data.threshold }] }
      }]
    });
  }

  var VALUE_COLORS = ["#dc3545", "#fd7e14", "#ffc107", "#5b9bd5", "#2f6fb5"];

  function distCharts(dists) {
    dists.forEach(function (d) {
      var el = document.querySelector('[data-chart="dist-' + d.key + '"]');
      if (d.rows) {  // a matrix: one stacked bar per row, a series per rating value
        init(el, {
          tooltip: { trigger: "item", formatter: "{b} · {a}：{c}" },
          legend: { bottom: 0 },
          grid: { left: 8, right: 16, top: 6, bottom: 30, containLabel: true },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", inverse: true, data: d.rows, axisLabel: { width: 120, overflow: "truncate" } },
          series: d.series.map(function (s, i) {
            return { name: s.name, type: "bar", stack: "all", barMaxWidth: 22, data: s.data,
                     itemStyle: { color: VALUE_COLORS[i % VALUE_COLORS.length] } };
          })
        });
        return;
      }
      init(el, {
        tooltip: { trigger: "item", formatter: "{b}：{c}" },
        grid: { left: 8, right: 30, top: 6, bottom: 6, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.bars.map(function (b) { return b.name; }),
                 axisLabel: { width: 120, overflow: "truncate" } },
        series: [{ type: "bar", barMaxWidth: 16, itemStyle: { color: BLUE },
                   label: { show: true, position: "right" },
                   data: d.bars.map(function (b) { return { value: b.value, url: b.url }; }) }]
      });
    });
  }

  function start() {
    var main = document.getElementById("results-data");
    if (main) mainChart(JSON.parse(main.textContent));
    var dists = document.getElementById("results-dists");
    if (dists) distCharts(JSON.parse(dists.textContent));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
