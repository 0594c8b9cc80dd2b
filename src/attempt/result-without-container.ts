import type { FeatureResult, StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import { EMPTY_TAIL, featureResults } from './feature-result.js';

/** The result of an attempt with nothing seen but why it did not run: judged as any other, from what there is. */
function resultOf(
  file: string,
  attempt: number,
  spec: RunSpec,
  seen: { stopReason?: StopReason; problem?: string },
): FeatureResult {
  return featureResults({
    files: [file],
    attempt,
    spec,
    report: null,
    engineFailure: false,
    stdout: EMPTY_TAIL,
    stderr: EMPTY_TAIL,
    ...seen,
  })[0]!;
}

/** A job whose run stopped before it got a slot: classified like any feature stopped before its container ran. */
export function unstartedResult(file: string, attempt: number, reason: StopReason, spec: RunSpec): FeatureResult {
  return resultOf(file, attempt, spec, { stopReason: reason });
}

/** An attempt whose runner crashed (a bug, not a test failure) still settles its feature, as an error. */
export function crashResult(file: string, attempt: number, spec: RunSpec, error: unknown): FeatureResult {
  const why = error instanceof Error ? error.message : String(error);
  return resultOf(file, attempt, spec, { problem: `baleen failed while running this feature: ${why}` });
}

/** A feature settled before its run started (its image copy is stale): an error that says why, no container. */
export function settledBeforeRun(file: string, spec: RunSpec, error: string): FeatureResult {
  return resultOf(file, 1, spec, { problem: error });
}
