import { isFailingStep } from '../../cucumber-json/scenario-status.js';
import { scenarioStepsOf } from '../../cucumber-json/scenarios.js';
import type { CucumberElement, CucumberJson, CucumberStep } from '../../cucumber-json/schema.js';

/**
 * cucumber-html-reporter counts scenarios and features by rules of its own: an undefined, pending or
 * ambiguous step is not a failure (a feature of undefined scenarios is even "passed"), a Background's
 * steps and hidden hooks do not count, a step without a result is not a skip, a scenario without steps is
 * nothing. This copy of the run's report says the same thing in the terms it counts, so that its pies and
 * totals are the other reports' numbers: every scenario carries its own Background and hooks as steps, a
 * failing step that is not `failed` is shown as failed with its real status in the message, a hook that did
 * not pass is shown, a step without a result and a scenario without steps are skipped.
 */
export function forTemplateCounts(report: CucumberJson): CucumberJson {
  return report.map((feature) => ({
    ...feature,
    elements: scenarioStepsOf(feature).map(({ element, steps }) => displayScenario(element, steps)),
  }));
}

function displayScenario(element: CucumberElement, steps: CucumberStep[]): CucumberElement {
  const { before: _before, after: _after, ...rest } = element;
  const shown =
    steps.length > 0
      ? steps.map(displayStep)
      : [{ keyword: '', name: '(this scenario has no steps)', result: { status: 'skipped' } }];
  return { ...rest, steps: shown };
}

function displayStep(step: CucumberStep): CucumberStep {
  const status = step.result?.status;
  if (status === 'passed') return step;
  const shown: CucumberStep = { ...step, hidden: false };
  if (status === 'skipped') return shown;
  if (!isFailingStep(step)) return { ...shown, result: { ...step.result, status: 'skipped' } };
  if (status === 'failed') return shown;
  const message = `This step is ${status}: Cucumber fails the scenario.${step.result?.error_message ? `\n${step.result.error_message}` : ''}`;
  return { ...shown, result: { ...step.result, status: 'failed', error_message: message } };
}
