import type { AttemptSummary, FeatureResult, FeatureStatus, ScenarioJob } from '../domain/feature-run.js';
import type { FailureView } from '../domain/run-view.js';
import { scenarioName } from '../domain/job.js';
import type { RunOutcome } from '../domain/run-outcome.js';
import type { ShardRecord } from '../domain/shard-plan.js';
import { runReport } from '../cucumber-json/feature-report.js';
import { countScenarios, failureGist, type ScenarioTotals } from '../cucumber-json/scenarios.js';
import { artifactsDirOf } from './files/artifacts-reporter.js';
import { attemptLogs, featureLogs } from './files/log-path.js';

export interface FeatureSummary {
  file: string;
  status: FeatureStatus | 'unfinished';
  exitCode: number | null;
  durationMs: number;
  error?: string;
  /** Its first failed scenario: the failing step, the error's gist, the scenario's line (see failureGist). */
  failure?: FailureView;
  /** Passed on a retry after failing. */
  flaky: boolean;
  /** How many times it ran (1 without retries). */
  attempts: number;
  /** The host its container ran on, when known. */
  node?: string;
  /** Its last attempt's logs, relative to the report dir (a name too long for the file system is shortened). */
  logs?: { stdout: string; stderr: string };
  previousAttempts?: AttemptSummary[];
  /** With --split scenarios: each scenario's job, in file order (the feature's logs are its first that did not pass). */
  scenarios?: ScenarioSummary[];
  /** What --collect brought back: the folder (relative to the report dir), how many files, what was cut. */
  artifacts?: { dir: string; files: number; note?: string };
}

export interface ScenarioSummary {
  line: number;
  status: FeatureStatus;
  attempts: number;
  flaky: boolean;
  durationMs: number;
  error?: string;
  logs: { stdout: string; stderr: string };
  previousAttempts?: AttemptSummary[];
}

export interface RunSummary {
  runId: string;
  status: RunOutcome['status'];
  image: string;
  startedAt: string;
  durationMs: number;
  /** What the timing history predicted, when it knew any feature. */
  expectedDurationMs?: number;
  /** This run is shard `index` of `total`, split by the plan of this id (`baleen merge` checks that all agree). */
  shard?: { index: number; total: number; plan?: string };
  /**
   * What a feature's `passed` rests on: its Cucumber report (it names the feature and every expected scenario
   * ran and passed) and exit 0, or, for a command template without `{report}`, its exit code alone.
   */
  judgedBy: 'report' | 'exit code';
  features: FeatureSummary[];
  totals: {
    features: number;
    passed: number;
    failed: number;
    errors: number;
    cancelled: number;
    skipped: number;
    unfinished: number;
    flaky: number;
    scenarios: ScenarioTotals;
  };
}

const digests = new WeakMap<RunOutcome, RunSummary>();

/**
 * The machine-readable digest of a run: what summary.json holds and what the console and HTML summaries
 * print. Several reporters ask for it at the end of a run, and counting scenarios reads every feature's
 * Cucumber JSON, so it is computed once per outcome.
 */
export function summarize(outcome: RunOutcome): RunSummary {
  const known = digests.get(outcome);
  if (known) return known;
  const summary = digest(outcome);
  digests.set(outcome, summary);
  return summary;
}

function scenarioSummary(file: string, job: ScenarioJob): ScenarioSummary {
  return {
    line: job.line,
    status: job.status,
    attempts: job.attempt,
    flaky: job.flaky,
    durationMs: job.durationMs,
    ...(job.error === undefined ? {} : { error: job.error }),
    logs: attemptLogs(scenarioName(file, job.line), job.attempt),
    ...(job.previousAttempts.length > 0 ? { previousAttempts: job.previousAttempts } : {}),
  };
}

function failureOf(result: FeatureResult): { failure?: FailureView } {
  const failure = failureGist(result.cucumberJson ?? []);
  return failure ? { failure } : {};
}

function digest(outcome: RunOutcome): RunSummary {
  const features: FeatureSummary[] = outcome.results.map((result) => ({
    file: result.file,
    status: result.status,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    ...(result.error === undefined ? {} : { error: result.error }),
    ...failureOf(result),
    flaky: result.flaky,
    attempts: result.attempt,
    ...(result.node === undefined ? {} : { node: result.node }),
    logs: featureLogs(result),
    ...(result.previousAttempts.length > 0 ? { previousAttempts: result.previousAttempts } : {}),
    ...(result.scenarioJobs === undefined
      ? {}
      : { scenarios: result.scenarioJobs.map((job) => scenarioSummary(result.file, job)) }),
    ...(result.artifacts === undefined
      ? {}
      : {
          artifacts: {
            dir: artifactsDirOf(result.batchFirst ?? result.file),
            files: result.artifacts.files.length,
            ...(result.artifacts.note === undefined ? {} : { note: result.artifacts.note }),
          },
        }),
  }));
  for (const file of outcome.unfinished)
    features.push({ file, status: 'unfinished', exitCode: null, durationMs: 0, flaky: false, attempts: 0 });
  const count = (status: FeatureSummary['status']) => features.filter((f) => f.status === status).length;
  return {
    runId: outcome.info.runId,
    status: outcome.status,
    image: outcome.info.image,
    startedAt: outcome.info.startedAt.toISOString(),
    durationMs: outcome.durationMs,
    ...(outcome.info.expectedMs === undefined ? {} : { expectedDurationMs: outcome.info.expectedMs }),
    ...(outcome.info.shard ? { shard: shardSummary(outcome.info.shard) } : {}),
    judgedBy: outcome.info.judgedByExitCodeAlone ? 'exit code' : 'report',
    features,
    totals: {
      features: features.length,
      passed: count('passed'),
      failed: count('failed'),
      errors: count('error'),
      cancelled: count('cancelled'),
      skipped: count('skipped'),
      unfinished: count('unfinished'),
      flaky: features.filter((f) => f.flaky).length,
      scenarios: countScenarios(runReport(outcome)),
    },
  };
}

function shardSummary({ index, total, plan }: ShardRecord): NonNullable<RunSummary['shard']> {
  return { index, total, ...(plan ? { plan: plan.id } : {}) };
}
