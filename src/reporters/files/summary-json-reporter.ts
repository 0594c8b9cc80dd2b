import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { summarize } from '../summary.js';

/** summary.json: one entry per feature and the run's totals, for programs. */
export class SummaryJsonReporter implements Reporter {
  readonly name = 'summary.json';

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(
      join(outcome.info.reportDir, 'summary.json'),
      `${JSON.stringify(summarize(outcome), null, 2)}\n`,
    );
  }
}
