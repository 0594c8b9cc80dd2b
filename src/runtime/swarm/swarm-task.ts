import { z } from 'zod';

/**
 * The part of a Swarm task that baleen reads. Tasks come from the engine, so they are validated like any
 * other input crossing a process boundary; unknown fields are dropped.
 */
export const SwarmTaskSchema = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().optional(),
  CreatedAt: z.string().optional(),
  Status: z.object({
    State: z.string(),
    Err: z.string().optional(),
    Message: z.string().optional(),
    ContainerStatus: z.object({ ContainerID: z.string().optional(), ExitCode: z.number().optional() }).optional(),
  }),
});
export type SwarmTask = z.infer<typeof SwarmTaskSchema>;

/** Swarm's task states that come before the process runs (new → … → starting). */
const BEFORE_RUNNING = new Set([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
]);
/** States a task never leaves. */
const TERMINAL = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

export type TaskPhase = 'waiting' | 'running' | 'ended';

export function phaseOf(task: SwarmTask | undefined): TaskPhase {
  if (task === undefined || BEFORE_RUNNING.has(task.Status.State)) return 'waiting';
  return TERMINAL.has(task.Status.State) ? 'ended' : 'running';
}

/** A one-replica service normally has one task; should Swarm have replaced one, the newest tells the story. */
export function newestTask(tasks: readonly SwarmTask[]): SwarmTask | undefined {
  return tasks.reduce<SwarmTask | undefined>(
    (newest, task) => (newest === undefined || (task.CreatedAt ?? '') > (newest.CreatedAt ?? '') ? task : newest),
    undefined,
  );
}

export function parseTasks(raw: unknown): SwarmTask[] {
  return z.array(SwarmTaskSchema).parse(raw);
}

/** The exit code of a task whose process ran and ended, or undefined when it never ran to an exit. */
export function ranToExit(task: SwarmTask): number | undefined {
  if (task.Status.State === 'complete') return 0;
  const code = task.Status.ContainerStatus?.ExitCode;
  return task.Status.State === 'failed' && /non-zero exit/.test(task.Status.Err ?? '') && code !== undefined
    ? code
    : undefined;
}
