import { describe, expect, it } from 'vitest';
import {
  ENGINE_CALL_TIMEOUT_MS,
  engineCallTimeoutMs,
  withEngineBound,
} from '../../src/runtime/docker/engine-call-bound.js';
import { withEngineRetry } from '../../src/runtime/docker/transient-retry.js';

describe('withEngineBound', () => {
  it('fails a call left unanswered with one line naming the call and the bound, and aborts its request', async () => {
    let seen: AbortSignal | undefined;
    const call = withEngineBound(
      'start',
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      20,
    );
    await expect(call).rejects.toThrow('the Docker engine did not answer `start` within 20 ms');
    expect(seen?.aborted).toBe(true);
  });

  it('passes an answer through and leaves its signal alone', async () => {
    let seen: AbortSignal | undefined;
    await expect(withEngineBound('list', async (signal) => ((seen = signal), 'answer'), 1000)).resolves.toBe('answer');
    expect(seen?.aborted).toBe(false);
  });

  it('is not tried again by the retry: the engine had its chance', async () => {
    let calls = 0;
    const never = () => {
      calls++;
      return new Promise<never>(() => undefined);
    };
    process.env.BALEEN_ENGINE_CALL_TIMEOUT_MS = '20';
    try {
      await expect(
        withEngineRetry(never, { bound: 'remove', policy: { attempts: 4, firstDelayMs: 1 } }),
      ).rejects.toThrow('`remove` within 20 ms');
    } finally {
      delete process.env.BALEEN_ENGINE_CALL_TIMEOUT_MS;
    }
    expect(calls).toBe(1);
  });
});

describe('engineCallTimeoutMs', () => {
  it('is 60 s unless the environment says otherwise, and refuses what is not a positive whole number', () => {
    expect(engineCallTimeoutMs({})).toBe(ENGINE_CALL_TIMEOUT_MS);
    expect(ENGINE_CALL_TIMEOUT_MS).toBe(60_000);
    expect(engineCallTimeoutMs({ BALEEN_ENGINE_CALL_TIMEOUT_MS: '2000' })).toBe(2000);
    expect(() => engineCallTimeoutMs({ BALEEN_ENGINE_CALL_TIMEOUT_MS: '2s' })).toThrow(
      /must be a positive whole number of milliseconds, not "2s"/,
    );
  });
});
