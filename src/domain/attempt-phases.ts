import { z } from 'zod';

/**
 * What an attempt's container spent its time on, in the order a container goes through them: waiting for
 * the run's network, the engine's create, attach and start, waiting for a slot once created ahead of it
 * (`ready`), its command running until its output ended (`run`), reading its exit, stopping it on a timeout,
 * copying the report out of it, removing it. A warm worker's job has `worker` (borrowing a started worker)
 * and `run`. Kept in each result (`phases`) and drawn by `--trace`: where baleen's time per container goes
 * beyond the engine's own round trips.
 */
export const ATTEMPT_PHASES = [
  'network',
  'create',
  'attach',
  'ready',
  'start',
  'worker',
  'run',
  'exit',
  'stop',
  'collect',
  'remove',
] as const;
export const AttemptPhaseNameSchema = z.enum(ATTEMPT_PHASES);
export type AttemptPhaseName = z.infer<typeof AttemptPhaseNameSchema>;

/** One phase: when it began (epoch ms) and how long it took (ms). */
export const AttemptPhaseSchema = z.strictObject({
  phase: AttemptPhaseNameSchema,
  at: z.number().nonnegative(),
  ms: z.number().nonnegative(),
});
export type AttemptPhase = z.infer<typeof AttemptPhaseSchema>;

/** An attempt goes through each phase at most once: more than this is not a trace baleen wrote. */
export const AttemptPhasesSchema = z.array(AttemptPhaseSchema).max(ATTEMPT_PHASES.length);
