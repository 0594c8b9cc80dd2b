/** The overview's own look, scoped to its section so the detail page below keeps Bootstrap's. */
export const OVERVIEW_STYLE = `
#baleen-overview { padding: 16px 24px; }
#baleen-overview .baleen-controls { display: flex; gap: 8px; margin: 8px 0 12px; }
#baleen-overview #baleen-search { flex: 1; max-width: 480px; padding: 4px 8px; }
#baleen-overview details.baleen-feature { border: 1px solid #ddd; border-left: 6px solid #5cb85c; border-radius: 4px; margin: 6px 0; padding: 6px 10px; }
#baleen-overview details.baleen-failed { border-left-color: #d9534f; }
#baleen-overview details.baleen-flaky { border-left-color: #f0ad4e; }
#baleen-overview details.baleen-not-run { border-left-color: #999; }
#baleen-overview summary { cursor: pointer; }
#baleen-overview .baleen-badge { display: inline-block; min-width: 64px; font-weight: bold; text-transform: uppercase; font-size: 11px; }
#baleen-overview .baleen-file { font-family: monospace; }
#baleen-overview .baleen-meta { color: #777; font-size: 12px; margin-left: 8px; }
#baleen-overview .baleen-scenarios { list-style: none; padding-left: 8px; }
#baleen-overview .baleen-where { font-family: monospace; color: #555; }
#baleen-overview .baleen-step { color: #a94442; font-weight: bold; margin-top: 4px; }
#baleen-overview pre { max-height: 320px; overflow: auto; white-space: pre-wrap; margin: 4px 0; font-size: 12px; }
#baleen-overview pre.baleen-message, #baleen-overview pre.baleen-error { background: #fdf2f2; border-color: #ebccd1; }
#baleen-overview h4 { font-size: 13px; margin: 8px 0 2px; }
#baleen-overview .baleen-timeline { max-width: 1200px; border: 1px solid #eee; }
#baleen-overview .baleen-timeline text { font-size: 11px; fill: #555; font-family: sans-serif; }
#baleen-overview .bar { fill: #5cb85c; }
#baleen-overview .bar-failed { fill: #d9534f; }
#baleen-overview .bar-flaky { fill: #f0ad4e; }
#baleen-overview .bar-not-run { fill: #999; }
`;

/**
 * The search box and the status filter: a feature shows when it has the chosen status and its text (path,
 * scenarios, errors, output) holds every word searched for. Plain DOM, no library: the page works offline.
 */
export const OVERVIEW_SCRIPT = `
(function () {
  var search = document.getElementById('baleen-search');
  var status = document.getElementById('baleen-status');
  var none = document.getElementById('baleen-no-match');
  var features = document.querySelectorAll('#baleen-features .baleen-feature');
  function apply() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < features.length; i++) {
      var feature = features[i];
      var text = feature.textContent.toLowerCase();
      var match = (status.value === 'all' || feature.getAttribute('data-status') === status.value)
        && words.every(function (word) { return text.indexOf(word) >= 0; });
      feature.hidden = !match;
      if (match) shown++;
    }
    none.hidden = shown > 0;
  }
  search.addEventListener('input', apply);
  status.addEventListener('change', apply);
})();
`;
