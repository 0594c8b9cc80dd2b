import { appendFile } from 'node:fs/promises';
import type { RunOutcome } from '../../domain/run-outcome.js';
import type { Reporter } from '../reporter.js';
import { failedFeatureEntries } from '../../cucumber-json/feature-report.js';
import { scenarioFailures } from './failures.js';
import { failureOutput, githubFold } from './fold.js';
import { githubAnnotations } from './github-annotations.js';
import { githubStepSummary } from './github-step-summary.js';

/**
 * Under GitHub Actions: an error annotation per failed scenario (on the file and line, in the pull request's
 * diff and the run's page), each failed feature's output folded into a group, and the run's Markdown summary
 * appended to the job's summary page.
 */
export class GithubReporter implements Reporter {
  readonly name = 'github';

  constructor(private readonly options: { out: NodeJS.WritableStream; stepSummary?: string }) {}

  async onEnd(outcome: RunOutcome): Promise<void> {
    const failures = scenarioFailures(outcome);
    this.options.out.write(
      failureOutput(
        failedFeatureEntries(outcome).map((entry) => entry.result),
        githubFold,
      ) + githubAnnotations(failures),
    );
    if (this.options.stepSummary) await appendFile(this.options.stepSummary, githubStepSummary(outcome, failures));
  }
}
