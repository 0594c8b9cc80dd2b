import type { CucumberElement, CucumberJson, CucumberStep } from '../domain/cucumber-json.js';

/** The step statuses that fail a scenario in cucumber-js's strict mode (its default) only. */
const STRICT_ONLY: ReadonlySet<string> = new Set(['pending', 'undefined']);

/**
 * The report as cucumber-js without strict mode (`--no-strict`) judges it: a pending or undefined step fails
 * nothing, no more than a skipped one does. Only the judge reads it; the reports keep every status as it was.
 */
export function asNonStrict(report: CucumberJson): CucumberJson {
  return report.map((feature) => ({ ...feature, elements: feature.elements?.map(lenientElement) }));
}

function lenientElement(element: CucumberElement): CucumberElement {
  return {
    ...element,
    ...(element.before === undefined ? {} : { before: element.before.map(lenientStep) }),
    ...(element.steps === undefined ? {} : { steps: element.steps.map(lenientStep) }),
    ...(element.after === undefined ? {} : { after: element.after.map(lenientStep) }),
  };
}

function lenientStep(step: CucumberStep): CucumberStep {
  const status = step.result?.status;
  return status !== undefined && STRICT_ONLY.has(status)
    ? { ...step, result: { ...step.result, status: 'skipped' } }
    : step;
}
