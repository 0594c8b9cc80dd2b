import { isUnsuccessful, type FeatureResult, type FeatureStatus } from '../domain/feature-run.js';
import type { RunOutcome } from '../domain/run-outcome.js';
import { lastLines, stripAnsi } from '../util/text.js';
import { isFailingStatus } from './scenario-status.js';
import { FEATURE_RUN_ID, scenariosOf } from './scenarios.js';
import { withUndefinedSnippets } from './undefined-snippets.js';
import type { CucumberElement, CucumberFeature, CucumberJson } from '../domain/cucumber-json.js';

/** How much of a feature's stderr its stand-in scenario carries (the logs have all of it). */
const STDERR_TAIL_LINES = 40;

/**
 * What every report shows of one feature: its own Cucumber JSON (an undefined step with the snippet cucumber-js
 * printed for it), and where that does not explain the
 * feature's status, one scenario of baleen's (`<file> (feature run)`) that does. A feature without a report
 * (a parse error, a crash, a timeout, out of memory, no container, a command judged by its exit code) becomes
 * a feature of its own holding that one scenario, with the error and the end of stderr, so it is counted
 * and shown like any other instead of vanishing from cucumber.json and the HTML report.
 */
function featureReport(result: FeatureResult): CucumberJson {
  // A passed feature whose report holds nothing had no scenario to run (only a Background, an Outline without
  // Examples rows): cucumber-js runs none and counts none, and so do the reports. No stand-in is a scenario.
  if (result.status === 'passed' && result.cucumberJson?.length === 0) return [];
  // Cucumber JSON holds no snippet for an undefined step: cucumber-js printed it in the output.
  const report = withUndefinedSnippets(result.cucumberJson ?? [], result.stdout.text);
  if (report.length === 0) return [standInFeature(result.file, featureRunScenario(result))];
  const explained =
    result.status === 'passed' ||
    result.status === 'cancelled' ||
    result.status === 'skipped' ||
    scenariosOf(report).some((scenario) => isFailingStatus(scenario.status));
  if (explained) return report;
  const [first, ...rest] = report as [CucumberFeature, ...CucumberFeature[]];
  return [{ ...first, elements: [...(first.elements ?? []), featureRunScenario(result)] }, ...rest];
}

/** One feature file of a run and what the reports show of it; `result` is missing for a feature that never finished. */
export interface FeatureEntry {
  file: string;
  result?: FeatureResult;
  report: CucumberJson;
}

const entries = new WeakMap<RunOutcome, FeatureEntry[]>();

/**
 * Every feature of the run in the run's order, features that never finished included (as skipped). Several
 * reporters ask for it at the end of a run, so it is made once per outcome.
 */
export function featureEntries(outcome: RunOutcome): FeatureEntry[] {
  let list = entries.get(outcome);
  if (!list) {
    list = [
      ...outcome.results.map((result) => ({ file: result.file, result, report: featureReport(result) })),
      ...outcome.unfinished.map((file) => ({
        file,
        report: [
          standInFeature(file, standInScenario(file, 'unfinished', 'the run ended before this feature finished', 0)),
        ],
      })),
    ];
    entries.set(outcome, list);
  }
  return list;
}

/** A feature that ran and did not pass (failed or error), with what the reports show of it. */
export type FailedFeatureEntry = FeatureEntry & { result: FeatureResult };

/** The features whose failure lists show (console, CI logs): failed or errored, in the run's order. */
export function failedFeatureEntries(outcome: RunOutcome): FailedFeatureEntry[] {
  return featureEntries(outcome).filter(
    (entry): entry is FailedFeatureEntry => entry.result !== undefined && isUnsuccessful(entry.result.status),
  );
}

/**
 * The whole run as one Cucumber JSON array: what cucumber.json holds, what the HTML report draws, what
 * every count is taken from.
 */
export function runReport(outcome: RunOutcome): CucumberJson {
  return featureEntries(outcome).flatMap((entry) => entry.report);
}

function featureRunScenario(result: FeatureResult): CucumberElement {
  const stderr = stripAnsi(result.stderr.text).trim();
  const error =
    result.error ??
    (result.status === 'passed'
      ? 'exited 0; it wrote no Cucumber report, so only its exit code was judged'
      : result.status);
  const message =
    stderr && result.status !== 'passed'
      ? `${error}\n\nstderr (last lines):\n${lastLines(stderr, STDERR_TAIL_LINES)}`
      : error;
  return standInScenario(result.file, result.status, message, result.durationMs, result.errorLine);
}

// At the line the error points at (a parse error's), else at the top of the file.
function standInScenario(
  file: string,
  status: FeatureStatus | 'unfinished',
  message: string,
  durationMs: number,
  line = 1,
): CucumberElement {
  const stepStatus =
    status === 'passed' ? 'passed' : status !== 'unfinished' && isUnsuccessful(status) ? 'failed' : 'skipped';
  return {
    id: FEATURE_RUN_ID,
    keyword: 'Scenario',
    type: 'scenario',
    name: `${file} (feature run)`,
    description: '',
    line,
    tags: [],
    steps: [
      {
        keyword: 'baleen ',
        name: `ran the feature: ${status}`,
        line,
        result: {
          status: stepStatus,
          duration: Math.round(durationMs * 1e6),
          ...(stepStatus === 'passed' ? {} : { error_message: message }),
        },
        ...(stepStatus === 'passed' ? { output: [message] } : {}),
      },
    ],
  };
}

function standInFeature(file: string, scenario: CucumberElement): CucumberFeature {
  return {
    id: file,
    keyword: 'Feature',
    name: file,
    uri: file,
    line: 1,
    description: '',
    tags: [],
    elements: [scenario],
  };
}
