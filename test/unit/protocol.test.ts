import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeClientMessage, decodeServerMessage, encodeMessage } from '../../src/protocol/codec.js';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { DEFAULT_COMMAND, MAX_FEATURES_PER_RUN } from '../../src/domain/run-spec.js';
import { checkUpgrade, isLoopback } from '../../src/server/upgrade-guard.js';

const submit = {
  type: 'run.submit',
  requestId: 'r1',
  spec: { image: 'img', features: ['a.feature'], concurrency: 2 },
} as const;

describe('protocol codec', () => {
  it('round-trips a submit, filling the spec defaults', () => {
    const decoded = decodeClientMessage(encodeMessage(submit as never));
    expect(decoded.ok && decoded.message.type === 'run.submit' && decoded.message.spec.command).toBe(DEFAULT_COMMAND);
  });

  it('refuses a run past the documented size limit, saying how to split it', () => {
    const features = Array.from({ length: MAX_FEATURES_PER_RUN + 1 }, (_, i) => `f${i}.feature`);
    const decoded = decodeClientMessage(
      JSON.stringify({ v: PROTOCOL_VERSION, ...submit, spec: { ...submit.spec, features } }),
    );
    expect(!decoded.ok && decoded.error).toMatch(/more than 100000 features in one run: split the suite with --shard/);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    [
      'the previous version',
      JSON.stringify({ ...submit, v: 4 }),
      /unsupported protocol version 4 \(this end speaks 5\)/,
    ],
    ['an unknown type', JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.explode' }), /type/],
    [
      'a wrong field type',
      JSON.stringify({ v: PROTOCOL_VERSION, ...submit, spec: { ...submit.spec, concurrency: 'two' } }),
      /spec\.concurrency/,
    ],
    [
      'an unknown field',
      JSON.stringify({ v: PROTOCOL_VERSION, ...submit, spec: { ...submit.spec, privileged: true } }),
      /privileged/,
    ],
  ])('rejects %s with a reason', (_what, raw, reason) => {
    const decoded = decodeClientMessage(raw);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.error).toMatch(reason);
  });

  it('validates server messages too', () => {
    expect(
      decodeServerMessage(
        JSON.stringify({
          v: PROTOCOL_VERSION,
          type: 'feature.state',
          runId: 'x',
          file: 'a',
          attempt: 1,
          state: 'flying',
          at: 1,
        }),
      ).ok,
    ).toBe(false);
    expect(
      decodeServerMessage(
        JSON.stringify({
          v: PROTOCOL_VERSION,
          type: 'feature.state',
          runId: 'x',
          file: 'a',
          attempt: 1,
          state: 'running',
          at: 1,
        }),
      ).ok,
    ).toBe(true);
  });
});

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('upgrade guard', () => {
  it('refuses any browser origin', () => {
    expect(checkUpgrade(request({ origin: 'https://evil.example' }), undefined)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(checkUpgrade(request({ origin: 'http://localhost:5533' }), 'secret')).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('needs the exact token when one is set', () => {
    expect(checkUpgrade(request({}), 'secret')).toMatchObject({ ok: false, status: 401 });
    expect(checkUpgrade(request({ authorization: 'Bearer secreT' }), 'secret')).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkUpgrade(request({ authorization: 'Bearer secret' }), 'secret')).toEqual({ ok: true });
    expect(checkUpgrade(request({}), undefined)).toEqual({ ok: true });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.4', '::'].some(isLoopback)).toBe(false);
  });
});
