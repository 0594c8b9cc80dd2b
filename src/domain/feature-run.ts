import { z } from 'zod';
import { CucumberJsonSchema } from './cucumber-json.js';
import type { StreamTail } from '../util/output-tail.js';
import { AttemptPhasesSchema } from './attempt-phases.js';

/**
 * A feature's life follows its container. The order matters: a client shows progress by it.
 * `done` is final; the outcome is then in the feature's status.
 */
export const FEATURE_STATES = [
  'queued',
  'creating',
  'attaching',
  'starting',
  'running',
  'stopping',
  'collecting',
  'removing',
  'done',
] as const;
export const FeatureStateSchema = z.enum(FEATURE_STATES);
export type FeatureState = z.infer<typeof FeatureStateSchema>;

/**
 * passed: the command exited 0. failed: the command ran and failed (failed scenarios, a parse error, a
 * crash). error: baleen could not run it to the end (container could not be created, before-command failed,
 * timed out, out of memory). cancelled: the run was interrupted before the feature finished. skipped:
 * --fail-fast stopped the run before the feature finished.
 */
export const FeatureStatusSchema = z.enum(['passed', 'failed', 'error', 'cancelled', 'skipped']);

/** Why a feature was stopped from outside: the user interrupted the run, or another feature failed. */
export const StopReasonSchema = z.enum(['interrupt', 'fail-fast']);
export type StopReason = z.infer<typeof StopReasonSchema>;
export type FeatureStatus = z.infer<typeof FeatureStatusSchema>;

/**
 * The one rule of a run's verdict: it passes only when every feature's final status is `passed`. A `skipped`
 * or `cancelled` feature did not demonstrably run, so it fails the run too (README: exit 0 only when every
 * feature passed).
 */
export const letsRunPass = (status: FeatureStatus): boolean => status === 'passed';

/**
 * A feature that ran and did not pass (failed or error): what retries and --fail-fast act on, and what a
 * failure list shows. `skipped` and `cancelled` are the run stopping, not the feature failing: they are never
 * retried nor a fail-fast trigger, their output says nothing about a failure, and (by `letsRunPass`) they
 * still fail the run.
 */
export const isUnsuccessful = (status: FeatureStatus): boolean =>
  !letsRunPass(status) && status !== 'skipped' && status !== 'cancelled';

export const StreamNameSchema = z.enum(['stdout', 'stderr']);
export type StreamName = z.infer<typeof StreamNameSchema>;

/** The end of a stream kept in memory, and how much of it was cut from the front to keep memory bounded. */
export const OutputTailSchema = z.strictObject({
  text: z.string(),
  totalBytes: z.number().int().nonnegative(),
  truncatedBytes: z.number().int().nonnegative(),
}) satisfies z.ZodType<StreamTail>;
export type OutputTail = z.infer<typeof OutputTailSchema>;

/** An earlier attempt of a retried feature, in brief (its logs are kept in full). */
export const AttemptSummarySchema = z.strictObject({
  attempt: z.number().int().positive(),
  status: FeatureStatusSchema,
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type AttemptSummary = z.infer<typeof AttemptSummarySchema>;

/**
 * The files --collect brought back whole from a feature's container: each by its path there and its size.
 * Their bytes are not here: they travel as they arrive (`feature.artifact`, see artifacts/artifact-stream.ts)
 * and go straight to disk, so a result stays small whatever was collected.
 */
export const CollectedArtifactsSchema = z.strictObject({
  files: z
    .array(z.strictObject({ path: z.string().min(1).max(4096), bytes: z.number().int().nonnegative() }))
    .max(100_000),
  /** What was not collected and why (the cap cut the archive, nothing was found, a path left the folder). */
  note: z.string().max(4096).optional(),
});
export type CollectedArtifacts = z.infer<typeof CollectedArtifactsSchema>;

/** How one attempt (and the ones before it) went: what a feature's result and a scenario job's have alike. */
const attemptShape = {
  /** 1 for the first run, 2 for the first retry, … */
  attempt: z.number().int().positive(),
  status: FeatureStatusSchema,
  /** Passed, but only after failing: on a retry. */
  flaky: z.boolean(),
  /** The attempts before this one. */
  previousAttempts: z.array(AttemptSummarySchema),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
};

/** Where and when the attempt's container ran: a row of the run's timeline. */
const placementShape = {
  /** The host its container ran on (the engine's, or the cluster node's, hostname), when it ran and that is known. */
  node: z.string().max(255).optional(),
  /** When its container's command started and stopped running (epoch ms), when it ran. */
  containerStartedAt: z.number().nonnegative().optional(),
  containerEndedAt: z.number().nonnegative().optional(),
  /** Which of the server's slots (0 to --capacity - 1) the attempt held. */
  slot: z.number().int().nonnegative().optional(),
  /** Where the attempt's time went, phase by phase (domain/attempt-phases.ts): what `--trace` draws. */
  phases: AttemptPhasesSchema.optional(),
};

/** With --split scenarios, one scenario's job within its feature's result. */
export const ScenarioJobSchema = z.strictObject({
  line: z.number().int().positive(),
  ...attemptShape,
  ...placementShape,
});
export type ScenarioJob = z.infer<typeof ScenarioJobSchema>;

/** The future each feature (each attempt of it) resolves to. */
export const FeatureResultSchema = z.strictObject({
  file: z.string(),
  ...attemptShape,
  stdout: OutputTailSchema,
  stderr: OutputTailSchema,
  cucumberJson: CucumberJsonSchema.nullable(),
  /** The report as the command wrote it when that was Cucumber Messages (NDJSON); cucumberJson is read from it. */
  cucumberMessages: z.string().optional(),
  /** The files --collect brought back, when it was asked for and the container returned to its shell. */
  artifacts: CollectedArtifactsSchema.optional(),
  /** The line of the feature file the error points at (a Gherkin parse error's), where CI pages annotate it. */
  errorLine: z.number().int().positive().optional(),
  /** The error came from the container engine (could not create, start, follow or remove the container). */
  engineFailure: z.boolean(),
  ...placementShape,
  /**
   * With --split scenarios: the feature's scenario jobs, in file order. The result is then their reassembly
   * (see dispatcher/reassemble-feature.ts): its attempt is the highest of theirs, its duration their sum,
   * its container times the first start and last end; each job's slot and times are here.
   */
  scenarioJobs: z.array(ScenarioJobSchema).max(1_000_000).optional(),
  /**
   * With --batch, every feature of the batch but its first: that first feature, under whose name the batch's
   * whole output is logged and its collected files kept (one process's output cannot be told apart by
   * feature, so it is kept once).
   */
  batchFirst: z.string().optional(),
});
export type FeatureResult = z.infer<typeof FeatureResultSchema>;

export const RunStatusSchema = z.enum(['passed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
