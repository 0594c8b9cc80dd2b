import { z } from 'zod';

/** Run ids are UUIDs (the run engine's randomUUID): nothing else is ever a folder name under runs/. */
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

/** `GET /api/runs/<id>`: a stored run and the files of its report (paths relative to its folder). */
export const StoredRunDetailSchema = z.strictObject({ run: StoredRunSchema, files: z.array(z.string()) });
export type StoredRunDetail = z.infer<typeof StoredRunDetailSchema>;
