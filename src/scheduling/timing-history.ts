import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { FeatureResult } from '../domain/feature-run.js';
import { median } from '../util/order.js';

/** How many past durations are kept per feature; the prediction is their median. */
const KEPT_DURATIONS = 5;

export const DEFAULT_TIMINGS_FILE = '.baleen/timings.json';

const TimingsFileSchema = z.strictObject({
  version: z.literal(1),
  features: z.record(z.string(), z.strictObject({ durationsMs: z.array(z.number().nonnegative()).max(KEPT_DURATIONS) })),
});
type TimingsFile = z.infer<typeof TimingsFileSchema>;

/**
 * Each feature's last few durations, kept between runs (CI caches the file) so that the scheduler can start
 * long features first and shards can be balanced. A missing or unreadable file is an empty history: timing
 * is an optimisation and must never fail a run.
 */
export class TimingHistory {
  private constructor(private readonly data: TimingsFile) {}

  static empty(): TimingHistory {
    return new TimingHistory({ version: 1, features: {} });
  }

  static async load(path: string, warn: (message: string) => void = () => {}): Promise<TimingHistory> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return TimingHistory.empty();
    }
    try {
      return new TimingHistory(TimingsFileSchema.parse(JSON.parse(text)));
    } catch {
      warn(`ignoring ${path}: not a baleen timings file (it will be rewritten after this run)`);
      return TimingHistory.empty();
    }
  }

  /** The expected duration of a feature, or undefined if it never ran. */
  predict(file: string): number | undefined {
    return median(this.data.features[file]?.durationsMs ?? []);
  }

  /** Records the durations of features that ran to the end (errors and interruptions say nothing of speed). */
  record(results: readonly FeatureResult[]): void {
    for (const result of results) {
      if (result.status !== 'passed' && result.status !== 'failed') continue;
      const past = this.data.features[result.file]?.durationsMs ?? [];
      this.data.features[result.file] = { durationsMs: [...past, Math.round(result.durationMs)].slice(-KEPT_DURATIONS) };
    }
  }

  async save(path: string): Promise<void> {
    await writeFileAtomic(path, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
