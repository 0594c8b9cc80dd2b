import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { runReport } from '../../cucumber-json/feature-report.js';
import type { Reporter } from '../reporter.js';

/**
 * cucumber.json: every feature's Cucumber JSON merged into one array, as one cucumber-js run would write, with
 * a failed or unfinished feature that wrote none shown by a scenario of baleen's (see cucumber-json/feature-report.ts).
 */
export class CucumberJsonReporter implements Reporter {
  readonly name = REPORT_FILES.cucumberJson.name;

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(join(outcome.info.reportDir, this.name), JSON.stringify(runReport(outcome), null, 2));
  }
}
