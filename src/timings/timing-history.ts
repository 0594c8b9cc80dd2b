import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { FeatureResult } from '../domain/feature-run.js';
import { median } from '../util/order.js';
import { scenarioName, workName, type JobWork } from '../domain/job.js';

/** How many past durations are kept per feature; the prediction is their median. */
const KEPT_DURATIONS = 5;

export const DEFAULT_TIMINGS_FILE = '.baleen/timings.json';

/** How a run ran: how many containers at once, on how many CPUs. */
export interface RunConditions {
  concurrency: number;
  cpus: number;
}

/** What a run's durations are recorded with; a run from before CPU counts were known counts as one per container. */
export function conditionsOf(info: { concurrency: number; cpus?: number }): RunConditions {
  return { concurrency: info.concurrency, cpus: info.cpus ?? info.concurrency };
}

/** What a duration of a version-1 file (which recorded none) is taken to have run at: every container had a CPU. */
const UNLOADED: RunConditions = { concurrency: 1, cpus: 1 };

/**
 * How much longer a container takes when `concurrency` containers share `cpus` CPUs: 1 while each has a CPU
 * of its own, in proportion beyond (4 containers on 2 CPUs each take about twice as long).
 */
export function loadFactor({ concurrency, cpus }: RunConditions): number {
  return Math.max(1, concurrency / cpus);
}

const DurationSchema = z.strictObject({
  ms: z.number().nonnegative(),
  concurrency: z.number().int().positive(),
  cpus: z.number().int().positive(),
});
type Duration = z.infer<typeof DurationSchema>;

const TimingsFileSchema = z.strictObject({
  version: z.literal(2),
  features: z.record(z.string(), z.array(DurationSchema).max(KEPT_DURATIONS)),
});
type TimingsFile = z.infer<typeof TimingsFileSchema>;

/** Version 1 kept bare durations; they are read as run unloaded, and the file is rewritten as version 2. */
const TimingsFileV1Schema = z
  .strictObject({
    version: z.literal(1),
    features: z.record(
      z.string(),
      z.strictObject({ durationsMs: z.array(z.number().nonnegative()).max(KEPT_DURATIONS) }),
    ),
  })
  .transform(
    ({ features }): TimingsFile => ({
      version: 2,
      features: Object.fromEntries(
        Object.entries(features).map(([file, { durationsMs }]) => [
          file,
          durationsMs.map((ms) => ({ ms, ...UNLOADED })),
        ]),
      ),
    }),
  );

/**
 * Each feature's last few durations, each with the concurrency and CPU count it ran at, kept between runs (CI
 * caches the file) so that the dispatcher can start long features first and shards can be balanced. A
 * prediction is the median of the durations brought to one container per CPU, then scaled to the conditions
 * asked about: a history taken at concurrency 2 on 2 CPUs predicts twice as long for concurrency 4 there. A
 * missing or unreadable file is an empty history: timing is an optimisation and must never fail a run.
 */
export class TimingHistory {
  private constructor(private readonly data: TimingsFile) {}

  static empty(): TimingHistory {
    return new TimingHistory({ version: 2, features: {} });
  }

  static async load(path: string, warn: (message: string) => void = () => {}): Promise<TimingHistory> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return TimingHistory.empty();
    }
    try {
      return new TimingHistory(z.union([TimingsFileSchema, TimingsFileV1Schema]).parse(JSON.parse(text)));
    } catch {
      warn(`ignoring ${path}: not a baleen timings file (it will be rewritten after this run)`);
      return TimingHistory.empty();
    }
  }

  /** The expected duration of a feature run under `at`, or undefined if it never ran. */
  predict(file: string, at: RunConditions = UNLOADED): number | undefined {
    const unloaded = median((this.data.features[file] ?? []).map((run) => run.ms / loadFactor(run)));
    return unloaded === undefined ? undefined : unloaded * loadFactor(at);
  }

  /** The predicted duration under `at` of each of `features` that has a history, for the dispatcher's order. */
  predictions(features: readonly string[], at: RunConditions = UNLOADED): Record<string, number> {
    const known: Record<string, number> = {};
    for (const file of features) {
      const predicted = this.predict(file, at);
      if (predicted !== undefined) known[file] = Math.round(predicted);
    }
    return known;
  }

  /**
   * With --split scenarios: the predicted duration under `at` of each job's work, by its name (`path:line`).
   * A scenario with no history of its own (the first split run of a suite timed whole) takes an equal share of
   * its feature's prediction, so that the longest features' scenarios still start first.
   */
  splitPredictions(work: readonly JobWork[], at: RunConditions = UNLOADED): Record<string, number> {
    const scenariosOf = new Map<string, number>();
    for (const { files } of work) scenariosOf.set(files[0]!, (scenariosOf.get(files[0]!) ?? 0) + 1);
    const known: Record<string, number> = {};
    for (const item of work) {
      const file = item.files[0]!;
      const whole = this.predict(file, at);
      const predicted =
        item.line === undefined
          ? whole
          : (this.predict(workName(item), at) ?? (whole === undefined ? undefined : whole / scenariosOf.get(file)!));
      if (predicted !== undefined) known[workName(item)] = Math.round(predicted);
    }
    return known;
  }

  /** The CPU count of the most recent duration recorded, if any: where the next run most likely runs. */
  latestCpus(): number | undefined {
    let latest: Duration | undefined;
    for (const runs of Object.values(this.data.features)) latest = runs.at(-1) ?? latest;
    return latest?.cpus;
  }

  /**
   * Records the durations of features that ran to the end under `at` (errors and interruptions say nothing of
   * speed). A feature split into scenarios (--split scenarios) records each scenario's under `path:line`, as
   * the dispatcher orders them, and the feature's (their sum) as well, for shards and unsplit runs.
   */
  record(results: readonly FeatureResult[], at: RunConditions): void {
    for (const result of results) {
      for (const job of result.scenarioJobs ?? []) this.add(scenarioName(result.file, job.line), job, at);
      this.add(result.file, result, at);
    }
  }

  private add(key: string, ran: Pick<FeatureResult, 'status' | 'durationMs'>, at: RunConditions): void {
    if (ran.status !== 'passed' && ran.status !== 'failed') return;
    const past = this.data.features[key] ?? [];
    this.data.features[key] = [...past, { ms: Math.round(ran.durationMs), ...at }].slice(-KEPT_DURATIONS);
  }

  async save(path: string): Promise<void> {
    await writeFileAtomic(path, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
