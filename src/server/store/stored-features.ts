import { z } from 'zod';
import { FeatureStatusSchema } from '../../domain/feature-run.js';
import { FailureViewSchema, type FeatureView } from '../../domain/run-view.js';
import { storedFileLink } from './stored-link.js';

/**
 * The part of a stored summary.json (reporters/summary.ts) a run's features are read back from. A file of
 * the data dir may come from another baleen version: what does not fit is not shown, rather than guessed.
 */
const SummaryFeatureSchema = z.object({
  file: z.string(),
  status: z.union([FeatureStatusSchema, z.literal('unfinished')]),
  attempts: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  flaky: z.boolean(),
  error: z.string().optional(),
  failure: FailureViewSchema.optional(),
  node: z.string().optional(),
  logs: z.object({ stdout: z.string(), stderr: z.string() }).optional(),
});
const SummaryFeaturesSchema = z.object({ features: z.array(SummaryFeatureSchema) });

/** A finished run's features, as the run API shows them, from its stored summary.json; undefined if it is not one. */
export function featuresOfSummary(runId: string, summary: unknown): FeatureView[] | undefined {
  const parsed = SummaryFeaturesSchema.safeParse(summary);
  if (!parsed.success) return undefined;
  return parsed.data.features.map((feature) => ({
    file: feature.file,
    attempt: Math.max(1, feature.attempts),
    // A feature the run never finished has no status: it did not get past its queue.
    state: feature.status === 'unfinished' ? 'queued' : 'done',
    ...(feature.status === 'unfinished'
      ? {}
      : { status: feature.status, durationMs: feature.durationMs, ...(feature.flaky ? { flaky: true } : {}) }),
    ...(feature.error === undefined ? {} : { error: feature.error }),
    ...(feature.failure === undefined ? {} : { failure: feature.failure }),
    ...(feature.node === undefined ? {} : { node: feature.node }),
    ...(feature.logs === undefined
      ? {}
      : {
          logs: {
            stdout: storedFileLink(runId, feature.logs.stdout),
            stderr: storedFileLink(runId, feature.logs.stderr),
          },
        }),
  }));
}
