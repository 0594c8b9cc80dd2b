import { stepStatus } from '../../cucumber-json/scenario-status.js';
import { FEATURE_RUN_ID, scenarioStepsOf } from '../../cucumber-json/scenarios.js';
import type { CucumberElement, CucumberJson, CucumberStep } from '../../domain/cucumber-json.js';

/**
 * cucumber-html-reporter takes a scenario's status as cucumber-js does (the worst of its steps: failed,
 * ambiguous, undefined, pending, skipped, passed), but counts only what it sees: a Background's steps and
 * hidden hooks do not count, a step without a result is nothing, a scenario without steps is nothing. This
 * copy of the run's report says the same thing in the terms it counts, so that its cards and its Scenarios
 * pie are the other reports' numbers (countScenarios): every scenario carries its own Background and hooks
 * as steps, a hook that did not pass is shown, a step baleen does not know the status of is skipped, and
 * baleen's stand-in for a feature without a report is left out (it is no scenario; the overview above the
 * template names that feature's error). Its Features pie is baleen's verdicts (see writeHtmlReport).
 */
export function forTemplateCounts(report: CucumberJson): CucumberJson {
  return report.map((feature) => ({
    ...feature,
    elements: scenarioStepsOf(feature)
      .filter(({ element }) => element.id !== FEATURE_RUN_ID)
      .map(({ element, steps }) => displayScenario(element, steps)),
  }));
}

function displayScenario(element: CucumberElement, steps: CucumberStep[]): CucumberElement {
  const { before: _before, after: _after, ...rest } = element;
  // cucumber-js's `unknown` (a scenario without a step) has no place in the template: it shows as skipped.
  const shown =
    steps.length > 0
      ? steps.map(displayStep)
      : [{ keyword: '', name: '(this scenario has no steps)', result: { status: 'skipped' } }];
  return { ...rest, steps: shown };
}

function displayStep(step: CucumberStep): CucumberStep {
  const status = stepStatus(step);
  if (status === 'passed') return step;
  const shown: CucumberStep = { ...step, hidden: false };
  return status === 'unknown' ? { ...shown, result: { ...step.result, status: 'skipped' } } : shown;
}
