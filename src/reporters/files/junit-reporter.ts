import { join } from 'node:path';
import type { FeatureStateChange, RunOutcome } from '../../domain/run-outcome.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { LoadWhileRunning } from '../load-while-running.js';
import { readLineages } from './scenario-lineage.js';
import type { OutlineRows } from './testcase-names.js';

/** junit.xml, for CI servers. */
export class JunitReporter implements Reporter {
  readonly name = 'junit.xml';

  private readonly xml = new LoadWhileRunning(() => import('./junit-xml.js'));

  /** `lineages`: from the run's plans; without them (a merge, a stored run) the files under `cwd` are read. */
  constructor(
    private readonly cwd: string,
    private readonly lineages?: OutlineRows,
  ) {}

  onFeatureState(change: FeatureStateChange): void {
    this.xml.onFeatureState(change);
  }

  async onEnd(outcome: RunOutcome): Promise<void> {
    // Outline rows are named as Cucumber's JUnit formatter names them, which needs the feature files' lineage.
    const [lineages, { junitXml }] = await Promise.all([this.lineages ?? readLineages(outcome.info.features, this.cwd), this.xml.get()]);
    await writeFileAtomic(join(outcome.info.reportDir, 'junit.xml'), junitXml(outcome, lineages));
  }
}
