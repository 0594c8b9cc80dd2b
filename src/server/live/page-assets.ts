import { escapeHtml } from '../../reporters/html/escape-for-template.js';

/**
 * The live page, served by the server itself: no CDN, no build step, nothing fetched from elsewhere (its
 * Content-Security-Policy allows only this origin). Text from runs is only ever set as textContent.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const head = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/live.css">
</head>`;

export const LIVE_HTML = `${head('baleen server')}
<body>
<header><h1>baleen server</h1><span id="connection" data-state="connecting">connecting…</span></header>
<main>
<section id="runs-panel"><h2>Runs</h2><ul id="runs"></ul><p id="no-runs">No runs yet.</p></section>
<section id="run-panel" hidden>
<h2 id="run-title"></h2>
<p id="run-meta"></p>
<h3>Features</h3>
<table id="features"><thead><tr><th>feature</th><th>attempt</th><th>state</th><th>failing step, error, where / baleen's reason</th><th>node</th><th>logs</th></tr></thead><tbody></tbody></table>
<h3>Timeline (one lane per slot)</h3>
<div id="timeline"></div>
</section>
</main>
<script src="/live.js"></script>
</body>
</html>
`;

/**
 * The sign-in form. `tokenFile`: where the server keeps its token, when it made one; otherwise it was given
 * one at start. A visitor without the token learns only where its owner finds it.
 */
export function loginHtml(problem: string | undefined, tokenFile: string | undefined): string {
  const where =
    tokenFile === undefined
      ? 'the one the server was started with (its <code>--token</code> or <code>BALEEN_TOKEN</code>)'
      : `in the file <code>${escapeHtml(tokenFile)}</code> on the server's machine (readable by the user running it)`;
  return `${head('baleen server: sign in')}
<body>
<header><h1>baleen server</h1></header>
<main>
<form method="post" action="/login" id="login">
<label for="token">The server's token</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
<p id="token-where">The token is ${where}.</p>
<button type="submit">Sign in</button>
${problem ? `<p class="problem" id="problem">${problem}</p>` : ''}
</form>
</main>
</body>
</html>
`;
}

export const LIVE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { display: flex; gap: 1em; align-items: baseline; padding: .5em 1em; background: #234; color: #fff; }
header h1 { font-size: 1.2em; margin: 0; }
main { display: flex; gap: 1em; padding: 1em; }
#runs-panel { min-width: 22em; }
#runs { list-style: none; padding: 0; margin: 0; }
#runs li { padding: .3em .5em; border-left: 4px solid #999; margin-bottom: .3em; cursor: pointer; }
#runs li.selected { background: #eef; }
#runs li[data-status=passed], tr[data-status=passed] td.state { border-color: #2a2; color: #060; }
#runs li[data-status=failed], tr[data-status=failed] td.state, tr[data-status=error] td.state { border-color: #c22; color: #a00; }
#runs li[data-status=running] { border-color: #26c; }
#run-panel { flex: 1; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .2em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
#timeline { position: relative; border: 1px solid #ccc; min-height: 1.6em; }
.lane { position: relative; height: 1.6em; border-bottom: 1px dotted #ddd; }
.bar { position: absolute; top: .2em; height: 1.2em; background: #9bd; overflow: hidden; white-space: nowrap; font-size: 11px; }
.bar[data-status=passed] { background: #9d9; }
.bar[data-status=failed], .bar[data-status=error] { background: #e99; }
tr.scenario td.name { padding-left: 2em; color: #555; }
td.state, td:last-child { white-space: nowrap; }
td.failure .error { color: #a00; white-space: pre-wrap; }
td.failure .where { color: #555; font-family: monospace; }
form { display: flex; flex-direction: column; gap: .5em; max-width: 20em; }
.problem { color: #a00; }
`;

/** Written without template literals: it lives in one. */
export const LIVE_JS = `
'use strict';
var runs = {};
// A link to one run (/#run=ID, as POST /api/runs answers) pins it: a run starting later does not take its place.
var pinned = /^#run=([0-9a-f-]+)$/.exec(location.hash);
var selected = pinned ? pinned[1] : null;

function el(tag, text, attrs) {
  var node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
  return node;
}

function shownState(feature) {
  return feature.status || feature.state;
}

/** A split feature's scenario rows (--split scenarios), in file order. */
function scenariosOf(feature) {
  var scenarios = feature.scenarios || {};
  return Object.keys(scenarios).map(function (line) { return scenarios[line]; }).sort(function (a, b) { return a.line - b.line; });
}

function stateText(feature) {
  if (feature.scenarioJobs === undefined) return shownState(feature);
  var done = scenariosOf(feature).filter(function (s) { return s.status || s.state === 'done'; }).length;
  return shownState(feature) + ' (' + done + '/' + feature.scenarioJobs + ' scenarios)';
}

/** The first failed scenario's step, the error's gist and its file:line (what reruns it); else baleen's reason. */
function failureCell(job, file) {
  var cell = el('td', null, { 'class': 'failure' });
  if (!job.failure) {
    cell.textContent = job.error || '';
    return cell;
  }
  cell.appendChild(el('div', job.failure.step, { 'class': 'step' }));
  cell.appendChild(el('div', job.failure.message, { 'class': 'error' }));
  cell.appendChild(el('div', job.failure.line === undefined ? file : file + ':' + job.failure.line, { 'class': 'where' }));
  return cell;
}

function failed(feature) {
  return feature.status === 'failed' || feature.status === 'error';
}

/** Failed features first, then the rest, each part by name. */
function rowOrder(features) {
  return Object.keys(features).sort(function (a, b) {
    var byFailure = Number(failed(features[b])) - Number(failed(features[a]));
    return byFailure !== 0 ? byFailure : a < b ? -1 : a > b ? 1 : 0;
  });
}

function jobRow(job, name, label, attrs) {
  var row = el('tr', null, attrs);
  row.appendChild(el('td', label, { 'class': 'name', title: name }));
  row.appendChild(el('td', job.attempt));
  row.appendChild(el('td', attrs['data-scenario-of'] ? shownState(job) : stateText(job), { 'class': 'state' }));
  row.appendChild(failureCell(job, name));
  row.appendChild(el('td', job.node || ''));
  var logs = el('td');
  if (job.logs) {
    logs.appendChild(el('a', 'stdout', { href: job.logs.stdout }));
    logs.appendChild(document.createTextNode(' '));
    logs.appendChild(el('a', 'stderr', { href: job.logs.stderr }));
  }
  row.appendChild(logs);
  return row;
}

function renderRuns() {
  var list = document.getElementById('runs');
  list.replaceChildren();
  var ids = Object.keys(runs).sort(function (a, b) { return runs[b].startedAt - runs[a].startedAt; });
  document.getElementById('no-runs').hidden = ids.length > 0;
  ids.forEach(function (id) {
    var run = runs[id];
    var files = Object.keys(run.features);
    var done = files.filter(function (f) { return run.features[f].status; }).length;
    var item = el('li', run.status + ' · ' + new Date(run.startedAt).toLocaleTimeString() + ' · ' + done + '/' + files.length + ' features · ' + run.image, { 'data-status': run.status, 'data-run': id });
    if (id === selected) item.className = 'selected';
    item.addEventListener('click', function () { selected = id; pinned = true; history.replaceState(null, '', '#run=' + id); render(); });
    list.appendChild(item);
  });
}

function renderRun() {
  var panel = document.getElementById('run-panel');
  var run = selected && runs[selected];
  panel.hidden = !run;
  if (!run) return;
  document.getElementById('run-title').textContent = 'Run ' + run.runId;
  var meta = document.getElementById('run-meta');
  meta.replaceChildren(el('span', run.status + (run.durationMs !== undefined ? ' in ' + (run.durationMs / 1000).toFixed(1) + ' s' : '') + ' · ' + run.image + ' · ' + run.concurrency + ' slots ', { id: 'run-status', 'data-status': run.status }));
  if (run.report && run.status !== 'running') meta.appendChild(el('a', 'report', { href: run.report, id: 'report-link' }));
  var body = document.querySelector('#features tbody');
  body.replaceChildren();
  rowOrder(run.features).forEach(function (file) {
    var f = run.features[file];
    body.appendChild(jobRow(f, file, file, { 'data-file': file, 'data-state': shownState(f), 'data-status': f.status || '' }));
    scenariosOf(f).forEach(function (s) {
      var name = file + ':' + s.line;
      body.appendChild(jobRow(s, name, ':' + s.line, { 'class': 'scenario', 'data-file': name, 'data-scenario-of': file, 'data-state': shownState(s), 'data-status': s.status || '' }));
    });
  });
  renderTimeline(run);
}

function renderTimeline(run) {
  var box = document.getElementById('timeline');
  box.replaceChildren();
  // Each container is a bar: a feature's, or with --split scenarios each of its scenarios'.
  var features = [];
  Object.keys(run.features).forEach(function (file) {
    var f = run.features[file];
    features.push({ name: file, job: f });
    scenariosOf(f).forEach(function (s) { features.push({ name: file + ':' + s.line, job: s }); });
  });
  features = features.filter(function (bar) { return bar.job.lane !== undefined; }).map(function (bar) {
    return { file: bar.name, lane: bar.job.lane, startedAt: bar.job.startedAt, endedAt: bar.job.endedAt, status: bar.job.status };
  });
  var end = Date.now();
  if (run.durationMs !== undefined) end = run.startedAt + run.durationMs;
  var span = Math.max(end - run.startedAt, 1);
  var laneCount = features.reduce(function (n, f) { return Math.max(n, f.lane + 1); }, 0);
  for (var lane = 0; lane < laneCount; lane++) {
    var row = el('div', null, { 'class': 'lane', 'data-lane': lane });
    features.filter(function (f) { return f.lane === lane; }).forEach(function (f) {
      var left = (f.startedAt - run.startedAt) / span * 100;
      var width = ((f.endedAt || end) - f.startedAt) / span * 100;
      var bar = el('div', f.file, { 'class': 'bar', 'data-status': f.status || '', title: f.file });
      bar.style.left = left + '%';
      bar.style.width = Math.max(width, 0.5) + '%';
      row.appendChild(bar);
    });
    box.appendChild(row);
  }
}

function render() {
  renderRuns();
  renderRun();
}

function connect() {
  var state = document.getElementById('connection');
  var source = new EventSource('/api/live/events');
  source.addEventListener('snapshot', function (event) {
    runs = {};
    JSON.parse(event.data).forEach(function (run) { runs[run.runId] = run; });
    if (!selected || !runs[selected]) selected = Object.keys(runs).sort(function (a, b) { return runs[b].startedAt - runs[a].startedAt; })[0] || null;
    state.textContent = 'live';
    state.setAttribute('data-state', 'live');
    render();
  });
  source.addEventListener('run', function (event) {
    var run = JSON.parse(event.data);
    runs[run.runId] = run;
    if (run.status === 'running' && !pinned) selected = run.runId;
    render();
  });
  source.addEventListener('scenario', function (event) {
    var change = JSON.parse(event.data);
    var feature = runs[change.runId] && runs[change.runId].features[change.file];
    if (!feature) return;
    feature.scenarios = feature.scenarios || {};
    feature.scenarios[change.scenario.line] = change.scenario;
    render();
  });
  source.addEventListener('feature', function (event) {
    var change = JSON.parse(event.data);
    var run = runs[change.runId];
    if (!run) return;
    run.features[change.feature.file] = change.feature;
    render();
  });
  source.onerror = function () {
    state.textContent = 'reconnecting…';
    state.setAttribute('data-state', 'reconnecting');
  };
}

connect();
`;
