import type { RunOutcome } from '../../domain/run-outcome.js';
import type { Reporter } from '../reporter.js';
import { failedFeatureEntries } from '../../cucumber-json/feature-report.js';
import { failureOutput, gitlabFold } from './fold.js';

/** Under GitLab CI: each failed feature's output in a collapsed section of the job log. */
export class GitlabReporter implements Reporter {
  readonly name = 'gitlab';

  constructor(private readonly options: { out: NodeJS.WritableStream; now?: () => number }) {}

  onEnd(outcome: RunOutcome): void {
    this.options.out.write(
      failureOutput(
        failedFeatureEntries(outcome).map((entry) => entry.result),
        gitlabFold(this.options.now),
      ),
    );
  }
}
