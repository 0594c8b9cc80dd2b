import { join } from 'node:path';
import type { FeatureStateChange, RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { LoadWhileRunning } from '../load-while-running.js';
import { readLineages } from './scenario-lineage.js';

/** junit.xml, for CI servers. */
export class JunitReporter implements Reporter {
  readonly name = 'junit.xml';

  private readonly xml = new LoadWhileRunning(() => import('./junit-xml.js'));

  constructor(private readonly cwd: string) {}

  onFeatureState(change: FeatureStateChange): void {
    this.xml.onFeatureState(change);
  }

  async onEnd(outcome: RunOutcome): Promise<void> {
    // Outline rows are named as Cucumber's JUnit formatter names them, which needs the feature files.
    const [lineages, { junitXml }] = await Promise.all([readLineages(outcome.info.features, this.cwd), this.xml.get()]);
    await writeFileAtomic(join(outcome.info.reportDir, 'junit.xml'), junitXml(outcome, lineages));
  }
}
