import { z } from 'zod';

/** What one container runs (--split): a feature file, or one scenario of it. */
export const SplitChoiceSchema = z.enum(['feature', 'scenarios']);
export type SplitChoice = z.infer<typeof SplitChoiceSchema>;
