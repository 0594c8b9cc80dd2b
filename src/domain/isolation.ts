import { z } from 'zod';

/** How features are kept apart: a container each (the default), or warm workers that run one after another. */
export const IsolationSchema = z.enum(['feature', 'worker']);
export type Isolation = z.infer<typeof IsolationSchema>;
