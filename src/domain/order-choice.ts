import { z } from 'zod';

/**
 * --order: the order in which a run's work is handed to its slots, named in the run spec so that the server's
 * dispatcher and the client's prediction of the wall time (dispatcher/expected-wall-time.ts) take the same one.
 * `longest-first` (the default): work with no timing history first, then the longest predicted. `given`: the
 * order of the spec's `features` (the client's file order), for a run that must go in a known order.
 * Each name's strategy is in dispatcher/order-strategy.ts.
 */
export const OrderChoiceSchema = z.enum(['longest-first', 'given']);
export type OrderChoice = z.infer<typeof OrderChoiceSchema>;
