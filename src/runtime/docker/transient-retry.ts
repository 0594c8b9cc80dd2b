import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf } from './docker-errors.js';
import { withEngineBound } from './engine-call-bound.js';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'socket hang up']);

/** An engine failure worth another try: the connection broke, or the engine said 5xx (busy, restarting). */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  const code = (error as { code?: string } | null)?.code ?? '';
  return TRANSIENT_CODES.has(code) || /socket hang up/i.test(String((error as Error | null)?.message));
}

export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
}

export const ENGINE_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 250 };

/**
 * Runs an engine call, trying transient failures again with exponential back-off (250 ms, 500 ms, 1 s).
 * `beforeRetry` undoes whatever a failed attempt may have done on the engine (a create whose answer was lost).
 * `bound` names a call that should answer promptly: each attempt then gets the engine-call bound
 * (engine-call-bound.ts), and one the engine leaves unanswered is not tried again.
 */
export async function withEngineRetry<T>(
  call: (signal?: AbortSignal) => Promise<T>,
  options: { policy?: RetryPolicy; beforeRetry?: () => Promise<void>; bound?: string } = {},
): Promise<T> {
  const policy = options.policy ?? ENGINE_RETRY;
  const bound = options.bound;
  for (let attempt = 1; ; attempt++) {
    try {
      return await (bound === undefined ? call() : withEngineBound(bound, call));
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      await sleep(policy.firstDelayMs * 2 ** (attempt - 1));
      await options.beforeRetry?.().catch(() => undefined);
    }
  }
}
