import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpAuth, foreignOrigin } from '../../src/server/http/auth.js';
import { expiredRuns } from '../../src/server/store/retention.js';
import type { StoredRun } from '../../src/domain/stored-run.js';

const run = (id: number, finishedAt?: string): StoredRun => ({
  runId: `00000000-0000-4000-8000-00000000000${id}`,
  status: finishedAt ? 'passed' : 'running',
  image: 'img',
  features: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  ...(finishedAt ? { finishedAt } : {}),
});

describe('retention of stored runs', () => {
  const runs = [
    run(1, '2026-01-01T01:00:00.000Z'),
    run(2, '2026-01-01T03:00:00.000Z'),
    run(3),
    run(4, '2026-01-01T02:00:00.000Z'),
  ];
  const now = Date.parse('2026-01-01T04:00:00.000Z');

  it('deletes finished runs beyond the newest --keep', () => {
    expect(expiredRuns(runs, { keep: 2 }, now).map((r) => r.runId)).toEqual([run(1).runId]);
  });

  it('deletes finished runs older than --keep-for', () => {
    expect(expiredRuns(runs, { keepForMs: 2.5 * 3_600_000 }, now).map((r) => r.runId)).toEqual([run(1).runId]);
    expect(expiredRuns(runs, { keepForMs: 1.5 * 3_600_000 }, now).map((r) => r.runId)).toEqual([
      run(4).runId,
      run(1).runId,
    ]);
  });

  it('never deletes a run still going, and keeps everything without a limit', () => {
    expect(expiredRuns(runs, { keep: 1, keepForMs: 1 }, now).map((r) => r.runId)).not.toContain(run(3).runId);
    expect(expiredRuns(runs, {}, now)).toEqual([]);
  });
});

const requestWith = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('HTTP auth', () => {
  const auth = new HttpAuth('the-token');

  it('lets in the bearer token, and only it', () => {
    expect(auth.allows(requestWith({ authorization: 'Bearer the-token' }))).toBe(true);
    expect(auth.allows(requestWith({ authorization: 'Bearer the-tokeN' }))).toBe(false);
    expect(auth.allows(requestWith({}))).toBe(false);
  });

  it('trades the token for a session cookie that is not the token and is HttpOnly, SameSite=Strict', () => {
    expect(auth.login('wrong')).toBeUndefined();
    const cookie = auth.login('the-token')!;
    expect(cookie).toMatch(/^baleen_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(cookie).not.toContain('the-token');
    const value = cookie.split(';')[0]!;
    expect(auth.allows(requestWith({ cookie: `other=1; ${value}` }))).toBe(true);
    expect(auth.allows(requestWith({ cookie: `${value}x` }))).toBe(false);
    // Another server process (another key) does not take this cookie.
    expect(new HttpAuth('the-token').allows(requestWith({ cookie: value }))).toBe(false);
  });

  it('refuses browser requests from any other origin', () => {
    expect(foreignOrigin(requestWith({ host: '127.0.0.1:5533' }))).toBe(false);
    expect(foreignOrigin(requestWith({ host: '127.0.0.1:5533', origin: 'http://127.0.0.1:5533' }))).toBe(false);
    expect(foreignOrigin(requestWith({ host: '127.0.0.1:5533', origin: 'http://evil.example' }))).toBe(true);
    expect(foreignOrigin(requestWith({ host: '127.0.0.1:5533', origin: 'null' }))).toBe(true);
  });
});
