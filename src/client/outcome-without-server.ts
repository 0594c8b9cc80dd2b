import { letsRunPass, type FeatureResult } from '../domain/feature-run.js';
import type { RunInfo, RunOutcome } from '../domain/run-outcome.js';
import type { Reporter } from '../reporters/reporter.js';
import { compareNames } from '../util/order.js';

/**
 * A run with nothing for a server to do: every feature was settled on the client (each one a Gherkin parse
 * error). The reporters still see a whole run, so the reports say what was found.
 */
export async function outcomeWithoutServer(
  reporter: Reporter,
  info: RunInfo,
  results: FeatureResult[],
): Promise<RunOutcome> {
  reporter.onBegin?.(info);
  for (const result of results) reporter.onFeatureResult?.(result);
  const outcome: RunOutcome = {
    info,
    status: results.every((result) => letsRunPass(result.status)) ? 'passed' : 'failed',
    durationMs: Date.now() - info.startedAt.getTime(),
    results: [...results].sort((a, b) => compareNames(a.file, b.file)),
    unfinished: [],
  };
  await reporter.onEnd?.(outcome);
  return outcome;
}
