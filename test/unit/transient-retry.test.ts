import { describe, expect, it } from 'vitest';
import { isTransient, withEngineRetry } from '../../src/runtime/docker/transient-retry.js';

const policy = { attempts: 3, firstDelayMs: 1 };
const engineError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

describe('withEngineRetry', () => {
  it('retries 5xx and broken connections, undoing the failed attempt first', async () => {
    const failures = [engineError(503), Object.assign(new Error('reset'), { code: 'ECONNRESET' })];
    let undone = 0;
    const result = await withEngineRetry(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'created';
      },
      { policy, beforeRetry: async () => void undone++ },
    );
    expect(result).toBe('created');
    expect(undone).toBe(2);
  });

  it('does not retry what another try cannot fix, and gives up after the last attempt', async () => {
    let calls = 0;
    await expect(
      withEngineRetry(
        async () => {
          calls++;
          throw engineError(404);
        },
        { policy },
      ),
    ).rejects.toThrow('HTTP 404');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withEngineRetry(
        async () => {
          calls++;
          throw engineError(500);
        },
        { policy },
      ),
    ).rejects.toThrow('HTTP 500');
    expect(calls).toBe(3);
    expect(isTransient(engineError(409))).toBe(false);
  });
});
