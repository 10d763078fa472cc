// Draws every chart of a pinnacle report with uPlot, from the JSON spec beside it, with a legend of the lines (not
// of their interval bounds), and records on <body> what it drew (data-charts-rendered, and data-points on each
// chart) so that a headless browser can check the page.
(function () {
  'use strict';
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
    '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1'];

  function rgba(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  function finite(v) {
    return v !== null && v !== undefined && isFinite(v);
  }

  function legend(target, names, colors) {
    var box = document.createElement('div');
    box.className = 'legend';
    names.forEach(function (name, i) {
      var item = document.createElement('span');
      var swatch = document.createElement('i');
      swatch.style.background = colors[i];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(name));
      box.appendChild(item);
    });
    target.appendChild(box);
  }

  /** Draws one chart; returns the number of finite points it was given. */
  function draw(spec, target) {
    var cats = spec.categories;
    var data = [spec.x];
    var series = [{label: spec.xLabel}];
    var bands = [];
    var names = [];
    var colors = [];
    var points = 0;
    spec.series.forEach(function (s, k) {
      var color = palette[k % palette.length];
      names.push(s.name);
      colors.push(color);
      data.push(s.y);
      var at = data.length - 1;
      series.push(spec.pointsOnly
        ? {label: s.name, stroke: color, fill: color, width: 0, paths: function () { return null; },
          points: {show: true, size: 9, fill: color}}
        : {label: s.name, stroke: color, width: 2, points: {show: true, size: 5}, spanGaps: !cats});
      s.y.forEach(function (v) { points += finite(v) ? 1 : 0; });
      if (s.lo) {
        data.push(s.hi);
        series.push({label: s.name + ' (95% high)', stroke: rgba(color, 0.3), width: 1, points: {show: false}});
        data.push(s.lo);
        series.push({label: s.name + ' (95% low)', stroke: rgba(color, 0.3), width: 1, points: {show: false}});
        bands.push({series: [at + 1, at + 2], fill: rgba(color, 0.10)});
      }
    });
    var xAxis = {label: spec.xLabel};
    var xScale = {time: false};
    if (cats) {
      xScale.range = [-0.5, cats.length - 0.5];
      xAxis.splits = function () { return cats.map(function (_, i) { return i; }); };
      xAxis.values = function (u, vals) { return vals.map(function (v) { return cats[v] !== undefined ? cats[v] : ''; }); };
      if (cats.some(function (c) { return c.length > 12; })) {
        xAxis.rotate = -30;
        xAxis.size = 120;
      }
    }
    var width = Math.max(360, Math.min(760, (target.parentNode.clientWidth || 1200) * 0.55));
    new uPlot({
      width: width,
      height: 340,
      legend: {show: false},
      scales: {x: xScale},
      axes: [xAxis, {label: spec.yLabel, size: 70}],
      series: series,
      bands: bands
    }, data, target);
    legend(target, names, colors);
    return points;
  }

  var drawn = 0;
  var specs = document.querySelectorAll('script.chart-spec');
  for (var c = 0; c < specs.length; c++) {
    var target = document.getElementById(specs[c].getAttribute('data-target'));
    var points = draw(JSON.parse(specs[c].textContent), target);
    if (target.querySelector('canvas')) {
      target.setAttribute('data-points', String(points));
      drawn++;
    }
  }
  document.body.setAttribute('data-charts-rendered', String(drawn));

  function recordRequests() {
    document.body.setAttribute('data-blocked-requests', String(window.blockedRequests.length));
    document.body.setAttribute('data-resource-requests', String(performance.getEntriesByType('resource').length));
  }
  recordRequests();
  document.addEventListener('securitypolicyviolation', recordRequests);
  window.addEventListener('load', recordRequests);
})();
