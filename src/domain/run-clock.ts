import type { RunOutcome } from './run-outcome.js';

/**
 * The one clock every report states (summary.json, junit.xml, index.html, cucumber.html, the console): the
 * wall time from the first start to the last end. For one run, its own; for shards merged, from the first
 * shard's start to the last one's end, which is what the pipeline took (not its longest shard).
 */
export function wallTime(outcomes: readonly Pick<RunOutcome, 'info' | 'durationMs'>[]): {
  startedAt: Date;
  durationMs: number;
} {
  const start = Math.min(...outcomes.map((outcome) => outcome.info.startedAt.getTime()));
  const end = Math.max(...outcomes.map((outcome) => outcome.info.startedAt.getTime() + outcome.durationMs));
  return { startedAt: new Date(start), durationMs: end - start };
}
