import type { StoredRun } from '../domain/stored-run.js';
import { formatDuration } from '../util/text.js';

/** One line per stored run for `baleen runs`: id, status, when, how long, what. */
export function storedRunLine(run: StoredRun): string {
  const took = run.durationMs === undefined ? '' : ` in ${formatDuration(run.durationMs)}`;
  const counts = run.totals ? ` (${run.totals.passed} passed, ${run.totals.failed + run.totals.errors} failed)` : '';
  return `${run.runId}  ${run.status.padEnd(11)}  ${run.startedAt}${took}  ${run.features} features${counts}  ${run.image}`;
}
