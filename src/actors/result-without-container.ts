import type { FeatureResult, StopReason } from '../domain/feature-run.js';
import { commandWritesReport, type RunSpec } from '../domain/run-spec.js';
import { classifyOutcome } from './classify-outcome.js';

const empty = { text: '', totalBytes: 0, truncatedBytes: 0 };

function resultOf(
  file: string,
  attempt: number,
  status: FeatureResult['status'],
  error: string | undefined,
): FeatureResult {
  return {
    file,
    attempt,
    status,
    flaky: false,
    previousAttempts: [],
    exitCode: null,
    durationMs: 0,
    stdout: empty,
    stderr: empty,
    cucumberJson: null,
    engineFailure: false,
    ...(error === undefined ? {} : { error }),
  };
}

/** A job whose run stopped before it got a slot: classified like any feature stopped before its container ran. */
export function unstartedResult(file: string, attempt: number, reason: StopReason, spec: RunSpec): FeatureResult {
  const outcome = classifyOutcome({
    report: null,
    stopReason: reason,
    stderrTail: '',
    reportPath: spec.reportPath,
    file,
    image: spec.image,
    reportExpected: commandWritesReport(spec.command),
  });
  return resultOf(file, attempt, outcome.status, outcome.error);
}

/** A feature actor that crashed (a bug, not a test failure) still settles its feature, as an error. */
export function crashResult(file: string, attempt: number, error: unknown): FeatureResult {
  return resultOf(
    file,
    attempt,
    'error',
    `baleen failed while running this feature: ${error instanceof Error ? error.message : String(error)}`,
  );
}
