import type { FailureView } from '../domain/run-view.js';
import { stripAnsi } from '../util/text.js';
import {
  isFailingStatus,
  isFailingStep,
  SCENARIO_STATUSES,
  scenarioStatus,
  type ScenarioStatus,
} from './scenario-status.js';
import type { CucumberElement, CucumberFeature, CucumberJson, CucumberStep } from '../domain/cucumber-json.js';

/** The id of the scenario baleen adds for a feature whose own scenarios do not explain its status (see feature-report.ts). */
export const FEATURE_RUN_ID = 'baleen;feature-run';

/** A scenario as the reports show it: its status by the one rule, its time, and its first failure. */
export interface ScenarioRecord {
  feature: string;
  uri?: string;
  name: string;
  line?: number;
  status: ScenarioStatus;
  /** Seconds, summed over the scenario's steps and hooks. */
  durationSeconds: number;
  /** The first failing (failed, undefined, pending, ambiguous) step and its message. */
  failure?: { step: string; status: string; message: string };
  /** baleen's stand-in for a feature that went wrong without a failing scenario to show for it. */
  featureRun: boolean;
}

/** A scenario element with every step that decides it: its Background's, its hooks', its own. */
export interface ScenarioSteps {
  element: CucumberElement;
  steps: CucumberStep[];
}

/**
 * A feature's scenarios, Backgrounds folded in as Cucumber counts them: cucumber-js already puts a
 * Background's steps into each scenario; Cucumber-JVM and Ruby write the Background as an element of its own
 * before each scenario, and their hooks beside the steps.
 */
export function scenarioStepsOf(feature: CucumberFeature): ScenarioSteps[] {
  const scenarios: ScenarioSteps[] = [];
  let background: CucumberStep[] = [];
  for (const element of feature.elements ?? []) {
    if (element.type === 'background') {
      background = [...(element.before ?? []), ...(element.steps ?? [])];
      continue;
    }
    scenarios.push({
      element,
      steps: [...background, ...(element.before ?? []), ...(element.steps ?? []), ...(element.after ?? [])],
    });
    background = [];
  }
  return scenarios;
}

export function scenariosOf(report: CucumberJson): ScenarioRecord[] {
  return report.flatMap((feature) => {
    const featureName = feature.name || feature.uri || 'feature';
    return scenarioStepsOf(feature).map((scenario) => scenarioRecord(featureName, feature.uri, scenario));
  });
}

function scenarioRecord(feature: string, uri: string | undefined, { element, steps }: ScenarioSteps): ScenarioRecord {
  // cucumber-js reports step durations in nanoseconds.
  const durationSeconds = steps.reduce((sum, step) => sum + (step.result?.duration ?? 0), 0) / 1e9;
  const record: ScenarioRecord = {
    feature,
    ...(uri === undefined ? {} : { uri }),
    name: element.name || '(unnamed scenario)',
    ...(element.line === undefined ? {} : { line: element.line }),
    status: scenarioStatus(steps),
    durationSeconds,
    featureRun: element.id === FEATURE_RUN_ID,
  };
  const failing = steps.find(isFailingStep);
  if (failing) {
    const status = failing.result?.status ?? 'failed';
    record.failure = {
      step: `${(failing.keyword ?? '').trim()} ${failing.name ?? ''}`.trim() || 'hook',
      status,
      message: failing.result?.error_message ?? (status === 'failed' ? 'failed' : `the step is ${status}`),
    };
  }
  return record;
}

/** A failed scenario: it always has a first failing step (`scenarioStatus` fails a scenario only for one). */
export type FailedScenario = ScenarioRecord & { failure: NonNullable<ScenarioRecord['failure']> };

/**
 * The report's failed scenarios, in its order: what every failure list shows (console, index.html, CI).
 * baleen's stand-in (`featureRun`: a parse error, a crash, a timeout) is among them unless `standIn: false`,
 * for a list that shows the feature's own error in its place.
 */
export function failedScenarios(
  report: CucumberJson,
  options: { standIn: boolean } = { standIn: true },
): FailedScenario[] {
  return scenariosOf(report).filter(
    (scenario): scenario is FailedScenario => isFailedScenario(scenario) && (options.standIn || !scenario.featureRun),
  );
}

/** A scenario that fails the run (failed, ambiguous, undefined or pending), with the step that made it fail. */
export const isFailedScenario = (scenario: ScenarioRecord): scenario is FailedScenario =>
  isFailingStatus(scenario.status) && scenario.failure !== undefined;

/** How many scenarios have each status, as cucumber-js's summary line counts them. */
export type ScenarioTotals = Record<ScenarioStatus, number>;

/**
 * The one count of scenarios every report gives (the console, summary.json, the CI step summary, index.html's
 * overview): each scenario of the Cucumber reports by its status, as cucumber-js counts its test cases.
 * baleen's stand-in for a feature without a report is no scenario, and is not counted: that feature is
 * counted among the features (failed, error).
 */
export function countScenarios(report: CucumberJson): ScenarioTotals {
  const totals = Object.fromEntries(SCENARIO_STATUSES.map((status) => [status, 0])) as ScenarioTotals;
  for (const scenario of scenariosOf(report)) if (!scenario.featureRun) totals[scenario.status]++;
  return totals;
}

/** The totals as cucumber-js's summary line words them: `10 scenarios (2 failed, 1 undefined, 7 passed)`. */
export function scenarioTotalsLine(totals: ScenarioTotals): string {
  const count = SCENARIO_STATUSES.reduce((sum, status) => sum + totals[status], 0);
  const details = SCENARIO_STATUSES.filter((status) => totals[status] > 0).map(
    (status) => `${totals[status]} ${status}`,
  );
  return `${count} scenario${count === 1 ? '' : 's'}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** The first failing scenario of a report, as "Scenario › Step: message" on one line, or undefined. */
export function firstFailure(report: CucumberJson): string | undefined {
  const failed = scenariosOf(report).find((scenario) => scenario.failure !== undefined);
  if (!failed?.failure) return undefined;
  return `${failed.name} › ${failed.failure.step}: ${headline(failed.failure.message)}`;
}

/**
 * A feature's first failed scenario (baleen's stand-in aside) in a few words: its name and line, its failing
 * step, the error's gist without colours. What the live page's failure column and the run API show.
 */
export function failureGist(report: CucumberJson): FailureView | undefined {
  const [first] = failedScenarios(report, { standIn: false });
  if (!first) return undefined;
  return {
    scenario: first.name,
    ...(first.line === undefined ? {} : { line: first.line }),
    step: first.failure.step,
    message: headline(stripAnsi(first.failure.message)),
  };
}

/**
 * An error message's lines before its stack trace: the first indented `at …` line (a stack frame is indented;
 * a line of the message itself may start with "at").
 */
export function linesBeforeStack(message: string): string[] {
  const lines = message.split('\n');
  const stack = lines.findIndex((line) => /^\s+at /.test(line));
  return stack < 0 ? lines : lines.slice(0, stack);
}

/**
 * The gist of an error message on one line: its first lines up to the stack trace, so that an assertion
 * library's "Expected values to be strictly equal:" keeps the values that follow it.
 */
export function headline(message: string, maxLength = 240): string {
  const gist = linesBeforeStack(message)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(' ');
  return gist.length > maxLength ? `${gist.slice(0, maxLength - 1)}…` : gist;
}
