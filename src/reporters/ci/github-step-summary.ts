import type { RunOutcome } from '../../domain/run-outcome.js';
import { formatDuration, plural } from '../../util/text.js';
import { summarize } from '../summary.js';
import type { ScenarioFailure } from './failures.js';

const SLOWEST = 5;
const MAX_FAILURES = 30;
const MESSAGE_LINES = 20;

/**
 * The run as the Markdown a GitHub job's summary page shows ($GITHUB_STEP_SUMMARY): totals, each failure with
 * its step and error, the flaky features with each earlier attempt's error, and the slowest features.
 */
export function githubStepSummary(outcome: RunOutcome, failures: readonly ScenarioFailure[]): string {
  const summary = summarize(outcome);
  const { totals } = summary;
  const parts = [
    `### baleen: ${summary.status === 'passed' ? '✅ passed' : summary.status === 'interrupted' ? '⏹️ interrupted' : '❌ failed'}`,
    '',
    `${plural(totals.features, 'feature')} in ${formatDuration(summary.durationMs)}${summary.shard ? ` (shard ${summary.shard.index}/${summary.shard.total})` : ''}`,
    '',
    '| | features | scenarios |',
    '| --- | ---: | ---: |',
    `| passed | ${totals.passed} | ${totals.scenarios.passed} |`,
    `| failed | ${totals.failed} | ${totals.scenarios.failed} |`,
    // The other ways a scenario fails, as cucumber-js counts them: features are only passed or failed by them.
    ...(['ambiguous', 'undefined', 'pending'] as const).flatMap((status) =>
      totals.scenarios[status] > 0 ? [`| ${status} | | ${totals.scenarios[status]} |`] : [],
    ),
    ...(totals.errors > 0 ? [`| error | ${totals.errors} | |`] : []),
    ...(totals.scenarios.skipped + totals.skipped > 0
      ? [`| skipped | ${totals.skipped} | ${totals.scenarios.skipped} |`]
      : []),
    ...(totals.scenarios.unknown > 0 ? [`| unknown (no step) | | ${totals.scenarios.unknown} |`] : []),
    ...(totals.cancelled + totals.unfinished > 0
      ? [`| cancelled or unfinished | ${totals.cancelled + totals.unfinished} | |`]
      : []),
    ...(totals.flaky > 0 ? [`| flaky (passed on a retry) | ${totals.flaky} | |`] : []),
  ];
  if (failures.length > 0) {
    parts.push('', `#### Failures (${failures.length})`, '');
    for (const failure of failures.slice(0, MAX_FAILURES)) {
      parts.push(
        `**${inline(failure.scenario)}** · \`${inline(failure.file)}:${failure.line}\``,
        '',
        `${inline(failure.step)}`,
        '',
        fenced(failure.message.split('\n').slice(0, MESSAGE_LINES).join('\n')),
        '',
      );
    }
    if (failures.length > MAX_FAILURES) parts.push(`and ${failures.length - MAX_FAILURES} more: see the report.`);
  }
  const flaky = summary.features.filter((feature) => feature.flaky);
  if (flaky.length > 0) {
    parts.push('', `#### Flaky (${flaky.length})`, '');
    for (const feature of flaky) {
      const earlier = (feature.previousAttempts ?? []).map(
        (attempt) => `attempt ${attempt.attempt}: ${attempt.status}${attempt.error ? `, ${attempt.error}` : ''}`,
      );
      parts.push(
        `- \`${inline(feature.file)}\` passed on attempt ${feature.attempts}${earlier.length > 0 ? ` (${inline(earlier.join('; '))})` : ''}`,
      );
    }
  }
  const slowest = [...summary.features]
    .filter((feature) => feature.durationMs > 0)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, SLOWEST);
  if (slowest.length > 0) {
    parts.push('', '#### Slowest features', '', '| feature | time | node |', '| --- | ---: | --- |');
    for (const feature of slowest)
      parts.push(`| \`${cell(feature.file)}\` | ${formatDuration(feature.durationMs)} | ${cell(feature.node ?? '')} |`);
  }
  return `${parts.join('\n')}\n\n`;
}

/** Text on one line of Markdown: no line breaks, no HTML, no emphasis or link syntax taken from a suite's names. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (character) => `\\${character}`);
}

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[|`]/g, (character) => `\\${character}`);
}

/** A code block whose fence is longer than any run of backticks in the text, so the text cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}
