import { z } from 'zod';

/** The default --batch-target: about a minute of predicted work per container. */
export const DEFAULT_BATCH_TARGET_MS = 60_000;

/** The most features one container may take: a run's own size limit. */
export const MAX_BATCH_SIZE = 100_000;

/**
 * How a run groups its features into containers (--batch): `count` puts `size` features in each; `auto` fills
 * each with about `targetMs` of predicted work. Without it, each feature gets a container of its own.
 */
export const BatchChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), size: z.number().int().min(1).max(MAX_BATCH_SIZE) }),
  z.strictObject({
    kind: z.literal('auto'),
    targetMs: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600_000),
  }),
]);
export type BatchChoice = z.infer<typeof BatchChoiceSchema>;
