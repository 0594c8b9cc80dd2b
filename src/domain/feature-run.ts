import { z } from 'zod';

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
 * killed). cancelled: the run was interrupted before the feature finished.
 */
export const FeatureStatusSchema = z.enum(['passed', 'failed', 'error', 'cancelled']);
export type FeatureStatus = z.infer<typeof FeatureStatusSchema>;

export const StreamNameSchema = z.enum(['stdout', 'stderr']);
export type StreamName = z.infer<typeof StreamNameSchema>;

/** The end of a stream kept in memory, and how much of it was cut from the front to keep memory bounded. */
export const OutputTailSchema = z.strictObject({
  text: z.string(),
  totalBytes: z.number().int().nonnegative(),
  truncatedBytes: z.number().int().nonnegative(),
});
export type OutputTail = z.infer<typeof OutputTailSchema>;

/** Cucumber JSON is produced by the image's own cucumber; keep it as it came, checked only for shape. */
export const CucumberJsonSchema = z.array(z.looseObject({}));
export type CucumberJson = z.infer<typeof CucumberJsonSchema>;

/** The future each feature resolves to. */
export const FeatureResultSchema = z.strictObject({
  file: z.string(),
  status: FeatureStatusSchema,
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  stdout: OutputTailSchema,
  stderr: OutputTailSchema,
  cucumberJson: CucumberJsonSchema.nullable(),
  error: z.string().optional(),
});
export type FeatureResult = z.infer<typeof FeatureResultSchema>;

export const RunStatusSchema = z.enum(['passed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
