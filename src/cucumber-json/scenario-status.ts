import type { CucumberStep } from './schema.js';

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

/** The step statuses that make cucumber-js (strict, its default) fail a scenario and the run. */
const FAILING_STEP_STATUSES: ReadonlySet<string> = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

export function isFailingStep(step: CucumberStep): boolean {
  return FAILING_STEP_STATUSES.has(step.result?.status ?? '');
}

/**
 * The one rule for a scenario's status, given all its steps (its Background's and hooks' included), as
 * Cucumber takes the worst step result: any failing step fails it; otherwise anything that did not
 * demonstrably pass (a skipped step, a step without a result or with a status baleen does not know, no steps
 * at all) makes it skipped; only a scenario whose every step passed is passed.
 */
export function scenarioStatus(steps: readonly CucumberStep[]): ScenarioStatus {
  if (steps.some(isFailingStep)) return 'failed';
  if (steps.length === 0 || steps.some((step) => step.result?.status !== 'passed')) return 'skipped';
  return 'passed';
}
