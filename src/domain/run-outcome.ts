import { letsRunPass, type FeatureResult, type FeatureState, type RunStatus, type StreamName } from './feature-run.js';
import { compareNames } from '../util/order.js';
import type { ShardRecord } from './shard-plan.js';

/** What reporters know when a run begins. */
export interface RunInfo {
  runId: string;
  image: string;
  features: string[];
  concurrency: number;
  /** The CPU count of the host the run's server ran on, when known (its durations are recorded with it). */
  cpus?: number;
  startedAt: Date;
  /** Where the report files go. */
  reportDir: string;
  /** The wall time the timing history predicts for this run, if it knows any of its features. */
  expectedMs?: number;
  /** This run is one shard of a suite split across machines, and the plan it ran by. */
  shard?: ShardRecord;
  /**
   * With --split scenarios: each feature's number of scenario jobs (its scenarios and Examples rows to run),
   * so that progress is counted in the jobs the dispatcher queues.
   */
  scenarioJobs?: Record<string, number>;
  /** The command template writes no Cucumber report (`{report}`): each feature was judged by its exit code alone. */
  judgedByExitCodeAlone?: boolean;
  /** What the server says about how it took the run (why the image was not asked what cucumber-js runs). */
  notes?: string[];
  /** How long the server took to ask the image what cucumber-js will run, just before it accepted the run (ms). */
  probeMs?: number;
}

/** What reporters get at the end: every feature in the order given, with its result if it has one. */
export interface RunOutcome {
  info: RunInfo;
  status: RunStatus;
  durationMs: number;
  results: FeatureResult[];
  /** Features that never produced a result (the run was interrupted or the server went away). */
  unfinished: string[];
}

export interface FeatureStateChange {
  file: string;
  attempt: number;
  state: FeatureState;
  at: number;
  /** The server's slot the job holds, where the server said so. */
  slot?: number;
}

export interface FeatureOutputChunk {
  file: string;
  attempt: number;
  stream: StreamName;
  data: string;
}

/**
 * A piece of a file --collect brings back, as it arrives: the feature (a scenario job's `path:line`, a batch's
 * first feature) and attempt it belongs to, the file's path in its folder and the bytes; `end` marks its last
 * piece. Which files came whole is the attempt's result's to say (`artifacts.files`).
 */
export interface FeatureArtifactChunk {
  file: string;
  attempt: number;
  path: string;
  data: Buffer;
  end: boolean;
}

/**
 * The outcome of a run from the results that arrived. Reports list features by name (the run order is the
 * scheduler's business, not the reader's); a feature without a result is unfinished. The server's status is
 * held to the results (`heldToResults`): the features settled on the client (a Gherkin parse error) are no
 * part of the server's verdict.
 */
export function outcomeOf(
  info: RunInfo,
  status: RunStatus,
  durationMs: number,
  results: ReadonlyMap<string, FeatureResult>,
): RunOutcome {
  const byName = [...info.features].sort(compareNames);
  const ordered = byName.flatMap((file) => results.get(file) ?? []);
  const unfinished = byName.filter((file) => !results.has(file));
  return { info, status: heldToResults(status, ordered, unfinished), durationMs, results: ordered, unfinished };
}

/**
 * A claimed `passed` holds only if every feature passed by `letsRunPass` and none is without a result;
 * otherwise the run failed. `interrupted` and `failed` stand as they are.
 */
export function heldToResults(
  claimed: RunStatus,
  results: readonly FeatureResult[],
  unfinished: readonly string[],
): RunStatus {
  const everyPassed = unfinished.length === 0 && results.every((result) => letsRunPass(result.status));
  return claimed === 'passed' && !everyPassed ? 'failed' : claimed;
}
