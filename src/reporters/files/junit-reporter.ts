import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { junitXml } from './junit-xml.js';
import { readLineages } from './scenario-lineage.js';

/** junit.xml, for CI servers. */
export class JunitReporter implements Reporter {
  readonly name = 'junit.xml';

  constructor(private readonly cwd: string) {}

  async onEnd(outcome: RunOutcome): Promise<void> {
    // Outline rows are named as Cucumber's JUnit formatter names them, which needs the feature files.
    const lineages = await readLineages(outcome.info.features, this.cwd);
    await writeFileAtomic(join(outcome.info.reportDir, 'junit.xml'), junitXml(outcome, lineages));
  }
}
