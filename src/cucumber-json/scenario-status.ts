import type { CucumberStep } from '../domain/cucumber-json.js';

/**
 * A scenario's status as cucumber-js gives it, in the order its summary line lists them ("10 scenarios (2
 * failed, 1 ambiguous, 1 undefined, 1 pending, 1 skipped, 4 passed)"). `unknown` is cucumber-js's too: a
 * scenario without a single step.
 */
export const SCENARIO_STATUSES = [
  'failed',
  'ambiguous',
  'undefined',
  'pending',
  'skipped',
  'passed',
  'unknown',
] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** The statuses that make cucumber-js, strict as it is by default, fail a scenario and the run. */
const FAILING: ReadonlySet<ScenarioStatus> = new Set(['failed', 'ambiguous', 'undefined', 'pending']);

export function isFailingStatus(status: ScenarioStatus): boolean {
  return FAILING.has(status);
}

export function isFailingStep(step: CucumberStep): boolean {
  return FAILING.has(stepStatus(step));
}

/**
 * Which of two statuses a scenario takes, worst first, as cucumber-js takes its test case's worst step result
 * (failed, ambiguous, undefined, pending, skipped, passed). Beyond cucumber-js, whose steps always have a known
 * result, a step without one or with a status baleen does not know is `unknown` and outranks `passed`: a
 * scenario is passed only when every step demonstrably passed.
 */
const WORST_FIRST: readonly ScenarioStatus[] = [
  'failed',
  'ambiguous',
  'undefined',
  'pending',
  'skipped',
  'unknown',
  'passed',
];

/** A step's status, `unknown` when it has no result or one baleen does not know. */
export function stepStatus(step: CucumberStep): ScenarioStatus {
  const status = step.result?.status as ScenarioStatus | undefined;
  return status !== undefined && WORST_FIRST.includes(status) ? status : 'unknown';
}

/**
 * The one rule for a scenario's status, given all its steps (its Background's and hooks' included): the worst
 * of them, as cucumber-js has it (a hook that returns 'skipped' skips the scenario; a pending step makes it
 * pending). A scenario without steps is `unknown`, as cucumber-js counts it.
 */
export function scenarioStatus(steps: readonly CucumberStep[]): ScenarioStatus {
  const statuses = new Set(steps.map(stepStatus));
  return WORST_FIRST.find((status) => statuses.has(status)) ?? 'unknown';
}
