import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which run the code now executing works for. Everything a run's actors start (engine calls, timers, stream
 * handlers) inherits it, so an error nobody caught can still be pinned on its run: see last-resort-guard.ts.
 */
const current = new AsyncLocalStorage<{ runId: string }>();

export function inRun<T>(runId: string, work: () => T): T {
  return current.run({ runId }, work);
}

export function currentRunId(): string | undefined {
  return current.getStore()?.runId;
}
