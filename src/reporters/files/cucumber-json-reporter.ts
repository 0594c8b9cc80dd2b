import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { mergeCucumberJson } from '../cucumber/scenarios.js';
import type { Reporter } from '../reporter.js';

export const CUCUMBER_JSON_FILE = 'cucumber.json';

/** cucumber.json: every feature's Cucumber JSON merged into one array, as one cucumber-js run would write. */
export class CucumberJsonReporter implements Reporter {
  readonly name = CUCUMBER_JSON_FILE;

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(join(outcome.info.reportDir, CUCUMBER_JSON_FILE), JSON.stringify(mergeCucumberJson(outcome.results), null, 2));
  }
}
