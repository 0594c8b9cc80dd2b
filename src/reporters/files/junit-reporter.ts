import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { junitXml } from './junit-xml.js';

/** junit.xml, for CI servers. */
export class JunitReporter implements Reporter {
  readonly name = 'junit.xml';

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(join(outcome.info.reportDir, 'junit.xml'), junitXml(outcome));
  }
}
