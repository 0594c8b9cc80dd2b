import type { FeatureResult, OutputTail } from '../../src/domain/feature-run.js';
import type { RunOutcome } from '../../src/domain/run-outcome.js';

/** A stream's kept end; `truncatedBytes` were cut from its front. */
export const tail = (text: string, truncatedBytes = 0): OutputTail => ({
  text,
  totalBytes: text.length + truncatedBytes,
  truncatedBytes,
});

/** A final result of one attempt, passed with no output and no report unless `over` says otherwise. */
export const featureResult = (over: Partial<FeatureResult> = {}): FeatureResult => ({
  file: 'features/a.feature',
  attempt: 1,
  flaky: false,
  engineFailure: false,
  previousAttempts: [],
  status: 'passed',
  exitCode: 0,
  durationMs: 1000,
  stdout: tail(''),
  stderr: tail(''),
  cucumberJson: null,
  ...over,
});

/** A finished run of these results (and features that never finished), `failed` unless `over` says otherwise. */
export const runOutcome = (
  results: FeatureResult[],
  unfinished: string[] = [],
  over: Partial<Omit<RunOutcome, 'results' | 'unfinished'>> = {},
): RunOutcome => ({
  info: {
    runId: 'r',
    image: 'img',
    features: [...results.map((r) => r.file), ...unfinished],
    concurrency: 2,
    startedAt: new Date(0),
    reportDir: '/tmp/report',
  },
  status: 'failed',
  durationMs: 2000,
  results,
  unfinished,
  ...over,
});
