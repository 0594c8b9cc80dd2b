import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { summarize } from '../summary.js';

/** summary.json: one entry per feature and the run's totals, for programs. */
export class SummaryJsonReporter implements Reporter {
  readonly name = REPORT_FILES.summary.name;

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(join(outcome.info.reportDir, this.name), `${JSON.stringify(summarize(outcome), null, 2)}\n`);
  }
}
