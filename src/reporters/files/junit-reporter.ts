import { join } from 'node:path';
import type { FeatureStateChange, RunOutcome } from '../../domain/run-outcome.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';
import { LoadWhileRunning } from '../load-while-running.js';
import { readLineages } from './scenario-lineage.js';
import type { OutlineRows } from './testcase-names.js';

/**
 * Where the outline rows' lineage comes from: the run's plans (a run; a server, which has no sources, gives
 * none), or the feature files under a folder, read at the end (`baleen merge`, which has no plans).
 */
export type LineageSource = { lineages: OutlineRows } | { readFrom: string };

/** junit.xml, for CI servers. */
export class JunitReporter implements Reporter {
  readonly name = REPORT_FILES.junit.name;

  private readonly xml = new LoadWhileRunning(() => import('./junit-xml.js'));

  constructor(private readonly source: LineageSource) {}

  onFeatureState(change: FeatureStateChange): void {
    this.xml.onFeatureState(change);
  }

  async onEnd(outcome: RunOutcome): Promise<void> {
    // Outline rows are named as Cucumber's JUnit formatter names them, which needs the feature files' lineage.
    const lineages =
      'lineages' in this.source ? this.source.lineages : readLineages(outcome.info.features, this.source.readFrom);
    const [rows, { junitXml }] = await Promise.all([lineages, this.xml.get()]);
    await writeFileAtomic(join(outcome.info.reportDir, this.name), junitXml(outcome, rows));
  }
}
