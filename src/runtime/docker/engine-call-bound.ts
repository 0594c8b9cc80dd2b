import { BaleenError } from '../../errors/baleen-error.js';

/**
 * How long baleen waits for an engine call that should answer promptly (create, attach, start, inspect, list,
 * remove, network create and remove). An engine that never answers one (measured: after a disk-full incident
 * a container's start never returned) would otherwise hold the run forever. Long-lived calls (the attach
 * stream, wait, logs) are not bounded: their length is the feature's.
 */
export const ENGINE_CALL_TIMEOUT_MS = 60_000;

/** Lowers (or raises) the bound, for tests and for engines known to be slow: a positive number of milliseconds. */
export const ENGINE_CALL_TIMEOUT_ENV = 'BALEEN_ENGINE_CALL_TIMEOUT_MS';

export function engineCallTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[ENGINE_CALL_TIMEOUT_ENV];
  if (raw === undefined || raw === '') return ENGINE_CALL_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new BaleenError(
      'CONFIG',
      `${ENGINE_CALL_TIMEOUT_ENV} must be a positive whole number of milliseconds, not "${raw}"`,
      {
        hint: `unset it (the default is ${ENGINE_CALL_TIMEOUT_MS} ms) or give it a number such as 60000`,
      },
    );
  }
  return ms;
}

function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function engineSilentError(call: string, ms: number): BaleenError {
  return new BaleenError(
    'CONTAINER_FAILED',
    `the Docker engine did not answer \`${call}\` within ${durationText(ms)}`,
    {
      hint: `check \`docker info\` and the engine log (a full disk, a stuck engine); ${ENGINE_CALL_TIMEOUT_ENV} changes the bound`,
    },
  );
}

/**
 * Runs one engine call with the bound: the signal given to it aborts the request (dockerode's `abortSignal`),
 * and the call fails with one clear line even should the transport ignore the signal.
 */
export function withEngineBound<T>(
  call: string,
  run: (signal: AbortSignal) => Promise<T>,
  ms: number = engineCallTimeoutMs(),
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = engineSilentError(call, ms);
      reject(error);
      controller.abort(error);
    }, ms);
  });
  const answered = run(controller.signal);
  // The request's own rejection after the abort (an AbortError) is not the cause: the bound is.
  answered.catch(() => undefined);
  return Promise.race([answered, silent]).finally(() => clearTimeout(timer));
}
