import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf } from '../docker/docker-errors.js';
import { newestTask, parseTasks, type SwarmTask } from './swarm-task.js';

export type TaskUpdate = { task: SwarmTask | undefined } | { gone: true } | { error: unknown };
type Listener = (update: TaskUpdate) => void;

/**
 * How long the task list may keep failing before the watchers are told. Blips are tried again on the next
 * tick; a manager's leader election or an engine restart takes seconds, and the tasks run on meanwhile.
 */
const GIVE_UP_AFTER_MS = 30_000;

/**
 * Follows the tasks of every service baleen runs, with ONE `GET /tasks` per tick for all of them. Swarm has
 * no event stream for task states, so polling it is; one request per tick instead of one per feature keeps
 * the manager's load flat at --concurrency 40.
 */
export class TaskTracker {
  private readonly listeners = new Map<string, Listener>();
  private polling = false;
  /** When the task list began to fail, if it is failing. */
  private failingSince: number | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly intervalMs = 200,
    private readonly giveUpAfterMs = GIVE_UP_AFTER_MS,
  ) {}

  /** Calls `listener` with the service's newest task on every tick until the returned function is called. */
  watch(serviceId: string, listener: Listener): () => void {
    this.listeners.set(serviceId, listener);
    if (!this.polling) void this.poll();
    return () => this.listeners.delete(serviceId);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      // Sleep first: features start in bursts, and the burst's services then share the first request.
      while (this.listeners.size > 0) {
        await sleep(this.intervalMs);
        if (this.listeners.size > 0) await this.tick([...this.listeners.keys()]);
      }
    } finally {
      this.polling = false;
    }
  }

  private async tick(serviceIds: string[]): Promise<void> {
    try {
      const tasks = await this.tasksOf(serviceIds);
      this.failingSince = undefined;
      for (const id of serviceIds) this.tell(id, { task: newestTask(tasks.filter((task) => task.ServiceID === id)) });
    } catch (error) {
      // One removed service makes the engine refuse the whole filter: ask for each alone to find which.
      if (statusOf(error) === 404 && serviceIds.length > 1) {
        for (const id of serviceIds) await this.tick([id]);
      } else if (statusOf(error) === 404) {
        this.tell(serviceIds[0]!, { gone: true });
      } else {
        this.failingSince ??= Date.now();
        if (Date.now() - this.failingSince >= this.giveUpAfterMs) {
          this.failingSince = undefined;
          for (const id of serviceIds) this.tell(id, { error });
        }
      }
    }
  }

  private async tasksOf(serviceIds: string[]): Promise<SwarmTask[]> {
    return parseTasks(await this.docker.listTasks({ filters: { service: serviceIds } }));
  }

  private tell(serviceId: string, update: TaskUpdate): void {
    this.listeners.get(serviceId)?.(update);
  }
}
