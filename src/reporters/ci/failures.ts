import type { RunOutcome } from '../../domain/run-outcome.js';
import { featureEntries } from '../../cucumber-json/feature-report.js';
import { failedScenarios } from '../../cucumber-json/scenarios.js';

/** A failed scenario where a CI page shows it: its file and line, its first failing step and that step's error. */
export interface ScenarioFailure {
  file: string;
  line: number;
  scenario: string;
  step: string;
  message: string;
}

/**
 * Every failed scenario of the run, in the run's order. A feature that failed without a failing scenario of
 * its own (a parse error, a crash, a timeout) is there as baleen's stand-in scenario, at line 1.
 */
export function scenarioFailures(outcome: RunOutcome): ScenarioFailure[] {
  return featureEntries(outcome).flatMap((entry) =>
    failedScenarios(entry.report).map((scenario) => ({
      file: entry.file,
      line: scenario.line ?? 1,
      scenario: scenario.name,
      step: scenario.failure.step,
      message: scenario.failure.message,
    })),
  );
}
