/**
 * Browser code inlined into index.html in place of Google's chart loader (www.google.com/jsapi), which the
 * cucumber-html-reporter template loads from the network. It implements exactly what the template's
 * piechart.js and inline script call:
 *
 *   google.load('visualization', version, settings)   (no-op beyond checking the package name)
 *   google.setOnLoadCallback(fn)                       (fn runs once the document is parsed, as Google's does)
 *   google.visualization.arrayToDataTable(rows)        (header row, then [label, value] rows)
 *   new google.visualization.PieChart(element).draw(dataTable, options)
 *
 * and draws the pie as inline SVG: one slice per non-zero row, coloured by row index from options.colors as
 * Google does (so Passed stays green even when another status is zero), slices pulled out by
 * options.slices[i].offset, percentage labels, a tooltip per slice, a legend of the non-zero rows on the
 * right, and options.title in options.titleTextStyle. options.pieHole > 0 makes a donut. options.is3D is
 * drawn flat: the tilt is decoration, the numbers are the same. The SVG sits two divs deep in the element,
 * as Google's does, so the template's `div.chart div div svg rect` background rule still applies.
 *
 * Plain ES5 in a string (not a TS function's toString()): the compiler and the test transformer must not
 * rewrite code that runs in the report's browser, and it must contain no `</script`.
 */
export const googleChartsShim = `(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var pending = [];
  var ready = false;

  // Google calls load callbacks once the document is parsed; the template relies on that, because
  // drawChart() is defined in a script that comes after the one registering the callbacks.
  function runPending() {
    ready = true;
    pending.splice(0).forEach(function (callback) { callback(); });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', runPending);
  else setTimeout(runPending, 0);

  function DataTable(rows) {
    this.labels = [];
    this.values = [];
    for (var i = 1; i < rows.length; i++) {
      var value = Number(rows[i][1]);
      this.labels.push(String(rows[i][0]));
      this.values.push(isFinite(value) && value > 0 ? value : 0);
    }
  }

  function svg(name, attributes, parent) {
    var node = document.createElementNS(SVG_NS, name);
    for (var key in attributes) node.setAttribute(key, String(attributes[key]));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, content, attributes) {
    var node = svg('text', attributes, parent);
    node.setAttribute('x', x);
    node.setAttribute('y', y);
    node.textContent = content;
    return node;
  }

  function point(cx, cy, radius, angle) {
    // Angles in radians, clockwise from twelve o'clock (where Google starts the first slice).
    return [cx + radius * Math.sin(angle), cy - radius * Math.cos(angle)];
  }

  // One slice (or, for a donut, one ring segment). A whole circle cannot be one SVG arc, so it is two.
  function slicePath(cx, cy, outer, inner, start, end) {
    if (end - start >= 2 * Math.PI - 1e-9) {
      var path = arc(cx, cy, outer, start, start + Math.PI, 1, true) + arc(cx, cy, outer, start + Math.PI, end, 1, false) + 'Z';
      if (inner > 0) path += arc(cx, cy, inner, start, start + Math.PI, 1, true) + arc(cx, cy, inner, start + Math.PI, end, 1, false) + 'Z';
      return path;
    }
    var sides = inner > 0
      ? arc(cx, cy, outer, start, end, 1, true) + 'L' + point(cx, cy, inner, end) + arc(cx, cy, inner, end, start, 0, false)
      : 'M' + cx + ',' + cy + 'L' + point(cx, cy, outer, start) + arc(cx, cy, outer, start, end, 1, false);
    return sides + 'Z';
  }

  function arc(cx, cy, radius, from, to, clockwise, move) {
    var large = Math.abs(to - from) > Math.PI ? 1 : 0;
    return (move ? 'M' + point(cx, cy, radius, from) : '') +
      'A' + radius + ',' + radius + ' 0 ' + large + ' ' + clockwise + ' ' + point(cx, cy, radius, to);
  }

  function PieChart(element) {
    if (!element) throw new Error('google.visualization.PieChart: no container element');
    this.element = element;
  }

  PieChart.prototype.draw = function (data, options) {
    options = options || {};
    var colors = options.colors || ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477'];
    var slices = options.slices || {};
    var fontSize = Number(options.fontSize) || 13;
    var fontFamily = options.fontName || 'Arial, sans-serif';
    var titleStyle = options.titleTextStyle || {};
    var hole = Math.min(Math.max(Number(options.pieHole) || 0, 0), 0.9);

    var height = Number(options.height) || 200;
    var width = typeof options.width === 'number' ? options.width : this.element.clientWidth || 400;
    var total = data.values.reduce(function (sum, value) { return sum + value; }, 0);
    var shown = [];
    data.values.forEach(function (value, index) { if (value > 0) shown.push(index); });

    // Layout as Google's default: title top left, pie on the left, legend on the right.
    var titleHeight = options.title ? fontSize + 14 : 8;
    var legendWidth = Math.min(140, width * 0.4);
    var maxOffset = shown.reduce(function (max, index) {
      var offset = slices[index] && Number(slices[index].offset);
      return shown.length > 1 && offset > max ? offset : max;
    }, 0);
    var radius = Math.max(10, Math.min((width - legendWidth) / 2, (height - titleHeight) / 2) - 10) / (1 + maxOffset);
    var cx = (width - legendWidth) / 2;
    var cy = titleHeight + (height - titleHeight) / 2;

    var outer = document.createElement('div');
    var inner = svg('svg', { width: '100%', height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': options.title || 'Pie chart', 'font-family': fontFamily, 'font-size': fontSize });
    outer.appendChild(document.createElement('div')).appendChild(inner);
    // The grey of the template's own rule for Google's background rect (div.chart div div svg rect).
    svg('rect', { x: 0, y: 0, width: width, height: height, fill: '#f5f5f5' }, inner);
    if (options.title) {
      text(inner, 10, fontSize + 6, options.title, { 'font-weight': 'bold', fill: titleStyle.color || '#000000',
        'font-size': Number(titleStyle.fontSize) || fontSize });
    }

    if (total === 0) {
      svg('circle', { cx: cx, cy: cy, r: radius, fill: '#cccccc', 'class': 'pie-no-data' }, inner);
      text(inner, width - legendWidth, cy, 'No data', { fill: '#222222' });
    }

    var angle = 0;
    shown.forEach(function (index, position) {
      var value = data.values[index];
      var sweep = (value / total) * 2 * Math.PI;
      var middle = angle + sweep / 2;
      var offset = shown.length > 1 && slices[index] ? (Number(slices[index].offset) || 0) * radius : 0;
      var shift = point(0, 0, offset, middle);
      var color = colors[index % colors.length];
      var percent = Math.round((value / total) * 1000) / 10 + '%';

      var group = svg('g', { transform: 'translate(' + shift + ')', 'class': 'pie-slice',
        'data-label': data.labels[index], 'data-value': value }, inner);
      svg('path', { d: slicePath(cx, cy, radius, radius * hole, angle, angle + sweep), fill: color,
        'fill-rule': 'evenodd', stroke: '#ffffff' }, group);
      svg('title', {}, group).textContent = data.labels[index] + ': ' + value + ' (' + percent + ')';
      // Google leaves the percentage out of slices too thin to hold it.
      if (value / total >= 0.05) {
        // A whole pie has no bisector to sit on: its label goes in the middle (of the ring, for a donut).
        var at = shown.length === 1 && hole === 0 ? [cx, cy]
          : point(cx, cy, radius * (hole > 0 ? (1 + hole) / 2 : 0.6), shown.length === 1 ? Math.PI : middle);
        text(group, at[0], at[1], percent, { fill: '#ffffff', 'text-anchor': 'middle', 'dominant-baseline': 'middle' });
      }

      var legendY = titleHeight + 12 + position * (fontSize + 8);
      var legendItem = svg('g', { 'class': 'pie-legend-item' }, inner);
      svg('circle', { cx: width - legendWidth + 6, cy: legendY, r: 6, fill: color }, legendItem);
      text(legendItem, width - legendWidth + 18, legendY, data.labels[index], { fill: '#222222',
        'dominant-baseline': 'middle' });
      angle += sweep;
    });

    this.element.textContent = '';
    this.element.appendChild(outer);
  };

  window.google = {
    load: function (name) {
      if (name !== 'visualization') throw new Error('google.load: only "visualization" is available offline, not "' + name + '"');
    },
    setOnLoadCallback: function (callback) {
      if (ready) setTimeout(callback, 0);
      else pending.push(callback);
    },
    visualization: {
      arrayToDataTable: function (rows) { return new DataTable(rows); },
      PieChart: PieChart,
    },
  };
})();
`;
