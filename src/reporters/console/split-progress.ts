import { parseWorkName, scenarioName } from '../../domain/job.js';
import type { FeatureResult, FeatureState } from '../../domain/feature-run.js';

/**
 * With --split scenarios the dispatcher queues scenario jobs (`path:line`) while results come back per
 * feature: this counts the jobs, so that the console's live counts are in the unit that waits for a slot
 * (a feature's counts would read `0 queued` while its scenarios wait).
 */
export class SplitProgress {
  /** The jobs whose current attempt has ended (a retried one is queued again). */
  private readonly done = new Set<string>();
  readonly total: number;

  constructor(private readonly jobsPerFeature: Readonly<Record<string, number>>) {
    this.total = Object.values(jobsPerFeature).reduce((sum, count) => sum + count, 0);
  }

  state(name: string, state: FeatureState): void {
    if (state === 'done') this.done.add(name);
    else this.done.delete(name);
  }

  /** A feature's final result: every job of it is done, those that never started too (fail-fast, Ctrl-C). */
  settled(result: FeatureResult): void {
    const names = result.scenarioJobs?.map((job) => scenarioName(result.file, job.line)) ?? [result.file];
    for (const name of names) this.done.add(name);
  }

  get doneCount(): number {
    return this.done.size;
  }

  /** How many of a feature's jobs are done, of how many. */
  ofFeature(file: string): { done: number; total: number } {
    const done = [...this.done].filter((name) => parseWorkName(name).file === file).length;
    return { done, total: this.jobsPerFeature[file] ?? done };
  }
}
