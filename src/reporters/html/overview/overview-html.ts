import type { RunOutcome } from '../../../domain/run-outcome.js';
import { headline, scenarioTotalsLine } from '../../../cucumber-json/scenarios.js';
import { formatDuration, plural, stripAnsi } from '../../../util/text.js';
import { escapeHtml } from '../escape-for-template.js';
import { summarize } from '../../summary.js';
import { overviewFeatures, type OverviewFeature } from './overview-model.js';
import { OVERVIEW_SCRIPT, OVERVIEW_STYLE } from './overview-assets.js';
import { timelineSvg } from './timeline-svg.js';

/**
 * baleen's run overview, the first thing index.html shows: failures first and open (each failed scenario's
 * step and error, the output tails, links to logs/), a search box and a status filter, flaky features with
 * every attempt, each feature's path and node, and a timeline of the containers. Every text is escaped; the
 * page needs nothing from the network.
 */
export function overviewHtml(outcome: RunOutcome): string {
  const features = overviewFeatures(outcome);
  const count = (group: OverviewFeature['group']) => features.filter((feature) => feature.group === group).length;
  const options = (['failed', 'flaky', 'not run', 'passed'] as const)
    .map((group) => `<option value="${group}">${group} (${count(group)})</option>`)
    .join('');
  return [
    `<section id="baleen-overview" class="container-fluid"><style>${OVERVIEW_STYLE}</style>`,
    `<h2>Run overview</h2><p class="baleen-totals">${escapeHtml(totalsLine(outcome))}</p>`,
    '<div class="baleen-controls">',
    '<input type="search" id="baleen-search" placeholder="Search features, scenarios, errors, output" aria-label="Search features">',
    `<select id="baleen-status" aria-label="Status"><option value="all">every status (${features.length})</option>${options}</select>`,
    '</div>',
    `<div id="baleen-features">${features.map(featureHtml).join('')}</div>`,
    '<p id="baleen-no-match" hidden>No feature matches.</p>',
    `<h3>Timeline</h3>${timelineSvg(features)}`,
    '<p class="baleen-detail">Each feature in detail, scenario by scenario, follows.</p>',
    `<script>${OVERVIEW_SCRIPT}</script></section>`,
  ].join('');
}

function totalsLine(outcome: RunOutcome): string {
  const { totals } = summarize(outcome);
  return (
    `${outcome.status}: ${plural(totals.features, 'feature')}, ${totals.passed} passed (${totals.flaky} flaky), ${totals.failed} failed, ${plural(totals.errors, 'error')}, ${totals.skipped + totals.cancelled + totals.unfinished} not run; ` +
    `${scenarioTotalsLine(totals.scenarios)}; ${formatDuration(outcome.durationMs)}`
  );
}

function featureHtml(feature: OverviewFeature): string {
  const open = feature.group === 'failed' ? ' open' : '';
  const where = [
    formatDuration(feature.durationMs),
    feature.node === undefined ? undefined : `on ${feature.node}`,
    feature.slot === undefined ? undefined : `slot ${feature.slot}`,
    feature.attempt > 1 ? `attempt ${feature.attempt}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const error =
    feature.error !== undefined && (feature.failedScenarios.length === 0 || feature.group !== 'failed')
      ? `<pre class="baleen-error">${escapeHtml(stripAnsi(feature.error))}</pre>`
      : '';
  return (
    `<details class="baleen-feature baleen-${feature.group.replace(' ', '-')}" data-status="${feature.group}"${open}>` +
    `<summary><span class="baleen-badge">${escapeHtml(feature.status === 'passed' && feature.group === 'flaky' ? 'flaky' : feature.status)}</span> ` +
    `<span class="baleen-file">${escapeHtml(feature.file)}</span> <span class="baleen-meta">${escapeHtml(where)}</span></summary>` +
    error +
    scenariosHtml(feature) +
    attemptsHtml(feature) +
    feature.tails
      .map(
        (tail) =>
          `<h4>${tail.stream} (last lines${tail.truncatedBytes > 0 ? `; ${tail.truncatedBytes} earlier bytes only in the log` : ''})</h4><pre class="baleen-tail baleen-${tail.stream}">${escapeHtml(tail.text)}</pre>`,
      )
      .join('') +
    logsHtml(feature) +
    artifactsHtml(feature) +
    '</details>'
  );
}

function scenariosHtml(feature: OverviewFeature): string {
  if (feature.failedScenarios.length === 0) return '';
  const items = feature.failedScenarios
    .map(
      (scenario) =>
        `<li class="baleen-scenario"><span class="baleen-where">${escapeHtml(`${feature.file}:${scenario.line ?? 1}`)}</span> ${escapeHtml(scenario.name)}` +
        (scenario.failure
          ? `<div class="baleen-step">${escapeHtml(scenario.failure.step)}${scenario.failure.status === 'failed' ? '' : ` (${escapeHtml(scenario.failure.status)})`}</div><pre class="baleen-message">${escapeHtml(stripAnsi(scenario.failure.message))}</pre>`
          : '') +
        '</li>',
    )
    .join('');
  return `<ul class="baleen-scenarios">${items}</ul>`;
}

/** A retried feature: each earlier attempt with its error, then the last. */
function attemptsHtml(feature: OverviewFeature): string {
  if (feature.previousAttempts.length === 0) return '';
  const items = feature.previousAttempts
    .map(
      (attempt) =>
        `<li>attempt ${attempt.attempt}: ${escapeHtml(attempt.status)}${attempt.error === undefined ? '' : ` — ${escapeHtml(headline(stripAnsi(attempt.error)))}`} (${formatDuration(attempt.durationMs)})</li>`,
    )
    .join('');
  const last = `<li>attempt ${feature.attempt}: ${escapeHtml(feature.status)}${feature.error === undefined ? '' : ` — ${escapeHtml(headline(stripAnsi(feature.error)))}`}</li>`;
  return `<h4>Attempts</h4><ol class="baleen-attempts">${items}${last}</ol>`;
}

/** A link to a file of the report dir by its relative path, each segment encoded. */
function link(path: string, label: string): string {
  return `<a href="${escapeHtml(path.split('/').map(encodeURIComponent).join('/'))}">${escapeHtml(label)}</a>`;
}

function logsHtml(feature: OverviewFeature): string {
  if (!feature.logs) return '';
  return `<p class="baleen-logs">logs: ${link(feature.logs.stdout, 'stdout')}, ${link(feature.logs.stderr, 'stderr')}</p>`;
}

/** The files --collect brought back from the feature's container, and what was not collected. */
function artifactsHtml(feature: OverviewFeature): string {
  if (!feature.artifacts) return '';
  const { files, note } = feature.artifacts;
  const links = files.length === 0 ? 'none' : files.map((file) => link(file.href, file.path)).join(', ');
  return `<p class="baleen-artifacts">artifacts: ${links}${note === undefined ? '' : ` <em>(${escapeHtml(note)})</em>`}</p>`;
}
