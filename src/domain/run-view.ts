import { z } from 'zod';
import { FeatureStateSchema, FeatureStatusSchema, RunStatusSchema } from './feature-run.js';

/**
 * A run as the server shows it while it runs and after: the live page draws it, and `GET /api/runs/<id>`
 * answers with its features. Each feature's state as it changes, its outcome once it has one, the slot (lane)
 * each container held and where its logs are. Times are epoch milliseconds.
 */

/** A failed feature's first failed scenario: where to look, and what its failing step said (the gist). */
export const FailureViewSchema = z.strictObject({
  scenario: z.string(),
  /** The scenario's line in its feature file: `file:line` reruns it. */
  line: z.number().int().positive().optional(),
  step: z.string(),
  /** The error's first lines, up to its stack trace. */
  message: z.string(),
});
export type FailureView = z.infer<typeof FailureViewSchema>;

/** One container's part of a row (a feature's, or with --split scenarios a scenario's). */
export const JobViewSchema = z.strictObject({
  attempt: z.number().int().positive(),
  state: FeatureStateSchema,
  status: FeatureStatusSchema.optional(),
  error: z.string().optional(),
  node: z.string().optional(),
  /** The slot its container held: one lane of the timeline. */
  lane: z.number().int().nonnegative().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  logs: z.strictObject({ stdout: z.string(), stderr: z.string() }).optional(),
});
export type JobView = z.infer<typeof JobViewSchema>;

/** A scenario job of a split feature (--split scenarios): its own container, nested under its feature. */
export const ScenarioViewSchema = JobViewSchema.extend({ line: z.number().int().positive() });
export type ScenarioView = z.infer<typeof ScenarioViewSchema>;

export const FeatureViewSchema = JobViewSchema.extend({
  file: z.string(),
  failure: FailureViewSchema.optional(),
  /** Once it has a result: how long its last attempt took, and whether it passed only on a retry. */
  durationMs: z.number().nonnegative().optional(),
  flaky: z.boolean().optional(),
  /**
   * With --split scenarios: how many scenario jobs the feature has, and those that have started, by line. The
   * feature's own state is then theirs: `running` while any of them runs, else `queued` until its result.
   */
  scenarioJobs: z.number().int().nonnegative().optional(),
  scenarios: z.record(z.string(), ScenarioViewSchema).optional(),
});
export type FeatureView = z.infer<typeof FeatureViewSchema>;

export const RunViewSchema = z.strictObject({
  runId: z.string(),
  image: z.string(),
  status: z.union([RunStatusSchema, z.literal('running')]),
  startedAt: z.number(),
  durationMs: z.number().nonnegative().optional(),
  concurrency: z.number().int().positive(),
  /** The stored report's folder, with --data-dir. */
  report: z.string().optional(),
  features: z.record(z.string(), FeatureViewSchema),
});
export type RunView = z.infer<typeof RunViewSchema>;
