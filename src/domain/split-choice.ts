import { z } from 'zod';

/**
 * --split: what one container runs. `feature` (the default): a feature file. `scenarios`: one scenario (one
 * Examples row of an outline) of it, `cucumber-js path:line`, each of the run's expected scenario lines a job
 * of its own; the dispatcher puts each feature's scenarios back together into one result (see dispatcher/).
 */
export const SplitChoiceSchema = z.enum(['feature', 'scenarios']);
export type SplitChoice = z.infer<typeof SplitChoiceSchema>;
