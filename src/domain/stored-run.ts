import { z } from 'zod';
import { FeatureViewSchema } from './run-view.js';

/** Run ids are UUIDs (the admission's randomUUID): nothing else is ever a folder name under runs/. */
export const RunIdSchema = z.uuid();

/**
 * What the data dir says of a run, in DIR/runs/<run-id>/run.json beside its report files. A run is written
 * as `running` when it starts and rewritten when it ends; one still `running` when a server starts was cut
 * off by a server that is gone, and is `interrupted`. A run that could not start at all (a push whose fetch
 * or build failed) is `error`, with its one-line `error` and a log beside it.
 */
export const StoredRunSchema = z.strictObject({
  runId: RunIdSchema,
  status: z.enum(['running', 'passed', 'failed', 'interrupted', 'error']),
  error: z.string().optional(),
  image: z.string(),
  features: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  durationMs: z.number().nonnegative().optional(),
  totals: z
    .strictObject({
      passed: z.number().int(),
      failed: z.number().int(),
      errors: z.number().int(),
      cancelled: z.number().int(),
      skipped: z.number().int(),
      unfinished: z.number().int(),
      flaky: z.number().int(),
    })
    .optional(),
});
export type StoredRun = z.infer<typeof StoredRunSchema>;

/** `GET /api/runs`: the stored runs, newest first. */
export const StoredRunListSchema = z.strictObject({ runs: z.array(StoredRunSchema) });

/**
 * `GET /api/runs/<id>`: a run, while it runs and after. `run` is its record (`running` until its containers
 * are gone and, with --data-dir, its report is stored); `features` each feature's state and outcome, in the
 * run's order; `files` its stored report's files (paths relative to its folder), absent on a server that
 * keeps no runs (no --data-dir).
 */
export const RunDetailSchema = z.strictObject({
  run: StoredRunSchema,
  features: z.array(FeatureViewSchema),
  files: z.array(z.string()).optional(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

/** `POST /api/runs`, answered 201: the run's id, what it runs, and where to follow it (paths on the server). */
export const RunCreatedSchema = z.strictObject({
  runId: RunIdSchema,
  status: z.literal('running'),
  features: z.array(z.string()),
  concurrency: z.number().int().positive(),
  links: z.strictObject({
    /** GET: its state; DELETE: cancel it. */
    self: z.string(),
    /** The live page, this run chosen. */
    live: z.string(),
    /** Its stored report, with --data-dir (`index.html` once the run ended). */
    report: z.string().optional(),
  }),
});
export type RunCreated = z.infer<typeof RunCreatedSchema>;

/** Every refusal of the run API: a code for programs, the problem in one line, the fix. */
export const ApiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    /** An ambiguous run id prefix: the runs it matches. */
    candidates: z.array(z.string()).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>['error'];
