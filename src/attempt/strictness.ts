import type { CucumberElement, CucumberJson, CucumberStep } from '../domain/cucumber-json.js';

/**
 * The step statuses that fail a scenario in cucumber-js's strict mode (its default) only: pending. An undefined
 * step fails a run whatever the mode (cucumber-js 9 and 12 alike, `shouldCauseFailure` in lib/runtime/helpers.js:
 * ambiguous, failed and undefined always, pending only when strict).
 */
const STRICT_ONLY: ReadonlySet<string> = new Set(['pending']);

/**
 * The report as cucumber-js without strict mode (`--no-strict`) judges it: a pending step fails nothing, no
 * more than a skipped one does. Only the judge reads it; the reports keep every status as it was.
 */
export function asNonStrict(report: CucumberJson): CucumberJson {
  return report.map((feature) => ({ ...feature, elements: feature.elements?.map(lenientElement) }));
}

/**
 * The report as the judge reads it: as it is in strict mode (the default), else as cucumber-js without strict
 * mode judges it. Every rule that asks whether a scenario failed reads this, never the raw report.
 */
export function judgedReport<R extends CucumberJson | null>(report: R, strict: boolean | undefined): R {
  return (report !== null && strict === false ? asNonStrict(report) : report) as R;
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
