import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunObserver } from '../../src/dispatcher/run-observer.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { FakeRuntime, type FakeBehaviour, fakeDispatcher } from '../support/fake-runtime.js';

// Dispatcher and state-machine logic against a scripted runtime; the real engine is exercised by the e2e tests.
function launch(runtime: FakeRuntime, capacity: number) {
  return fakeDispatcher(runtime, capacity);
}

function run(
  features: string[],
  behaviour: (file: string, attempt: number) => FakeBehaviour,
  concurrency = 2,
  options: { retries?: number; failFast?: boolean; timeoutMs?: number } = {},
) {
  const attempts = new Map<string, number>();
  const runtime = new FakeRuntime((spec) => {
    const file = spec.labels['io.baleen.feature']!;
    attempts.set(file, (attempts.get(file) ?? 0) + 1);
    return behaviour(file, attempts.get(file)!);
  });
  const states = new Map<string, string[]>();
  const results: FeatureResult[] = [];
  const retried: FeatureResult[] = [];
  const observer: RunObserver = {
    state: (file, attempt, state) =>
      states.set(file, [...(states.get(file) ?? []), attempt > 1 ? `${state}#${attempt}` : state]),
    output: () => {},
    waiting: () => {},
    result: (result, final) => {
      if (final) results.push(result);
      else retried.push(result);
    },
  };
  const spec = RunSpecSchema.parse({ image: 'img', features, concurrency, ...options });
  const dispatched = launch(runtime, concurrency).submit('r1', spec, observer);
  return {
    actor: { send: (_: { type: 'CANCEL' }) => dispatched.cancel() },
    done: dispatched.finished,
    runtime,
    states,
    results,
    retried,
  };
}

/** A report that shows the feature's one scenario (at line 2) ran and passed. */
const report = (file: string) =>
  JSON.stringify([
    {
      name: 'F',
      uri: file,
      elements: [{ name: 'S', type: 'scenario', line: 2, steps: [{ result: { status: 'passed' } }] }],
    },
  ]);

describe('dispatcher with feature actors', () => {
  it('takes every feature through the container states in order and removes every container', async () => {
    const { done, runtime, states, results } = run(['a.feature', 'b.feature', 'c.feature'], (file) => ({
      report: report(file),
    }));
    expect(await done).toMatchObject({ status: 'passed' });
    for (const file of ['a.feature', 'b.feature', 'c.feature']) {
      expect(states.get(file)).toEqual([
        'creating',
        'attaching',
        'starting',
        'running',
        'collecting',
        'removing',
        'done',
      ]);
    }
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
    expect(runtime.removed).toHaveLength(3);
  });

  it('never runs more containers at once than the concurrency', async () => {
    const files = Array.from({ length: 12 }, (_, i) => `f${i}.feature`);
    const { done, runtime } = run(files, (file) => ({ report: report(file) }), 3);
    await done;
    expect(runtime.maxRunning).toBe(3);
    expect(runtime.removed).toHaveLength(12);
  });

  it("records each result's slot and container start and end, so that the run can be drawn as a timeline", async () => {
    const files = Array.from({ length: 9 }, (_, i) => `f${i}.feature`);
    const { done, results } = run(files, (file) => ({ report: report(file), runsForMs: 5 }), 3);
    await done;
    expect(new Set(results.map((r) => r.slot))).toEqual(new Set([0, 1, 2]));
    for (const slot of [0, 1, 2]) {
      const spans = results
        .filter((r) => r.slot === slot)
        .sort((a, b) => a.containerStartedAt! - b.containerStartedAt!);
      spans.forEach((span, i) => {
        expect(span.containerEndedAt!).toBeGreaterThanOrEqual(span.containerStartedAt!);
        // One container at a time in a slot: each starts after the one before it in that slot stopped.
        if (i > 0) expect(span.containerStartedAt!).toBeGreaterThanOrEqual(spans[i - 1]!.containerEndedAt!);
      });
    }
  });

  it('marks the run failed when one feature fails, keeping its stderr', async () => {
    const { done, results } = run(['ok.feature', 'bad.feature'], (file) =>
      file === 'bad.feature' ? { exitCode: 1, stderr: 'Parse error in bad.feature' } : { report: report(file) },
    );
    expect(await done).toMatchObject({ status: 'failed' });
    const bad = results.find((r) => r.file === 'bad.feature')!;
    expect(bad.status).toBe('failed');
    expect(bad.stderr.text).toContain('Parse error');
  });

  it('makes a create failure an error and has nothing to remove', async () => {
    const { done, results, runtime, states } = run(['a.feature'], () => ({ failCreate: new Error('no space left') }));
    await done;
    expect(results[0]).toMatchObject({ status: 'error', error: 'could not create the container: no space left' });
    expect(runtime.removed).toHaveLength(0);
    expect(states.get('a.feature')).toEqual(['creating', 'done']);
  });

  it('removes the container when start fails', async () => {
    const { done, results, runtime } = run(['a.feature'], () => ({ failStart: new Error('port in use') }));
    await done;
    expect(results[0]).toMatchObject({ status: 'error', error: 'could not start the container: port in use' });
    expect(runtime.removed).toHaveLength(1);
  });

  it('on CANCEL removes running containers, never starts queued ones, and ends interrupted', async () => {
    const { actor, done, results, runtime, states } = run(
      ['a.feature', 'b.feature', 'c.feature'],
      () => ({ hang: true }),
      2,
    );
    await new Promise<void>((resolve) => {
      const check = () => (runtime.running === 2 ? resolve() : setImmediate(check));
      check();
    });
    actor.send({ type: 'CANCEL' });
    actor.send({ type: 'CANCEL' });
    expect(await done).toMatchObject({ status: 'interrupted' });
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(runtime.created).toHaveLength(2);
    expect(runtime.removed).toHaveLength(2);
    // c never got a slot: no actor, no container, no state; only its result.
    expect(states.get('c.feature')).toBeUndefined();
  });

  it('on CANCEL while a start waits for a node, aborts the wait and removes the container at once', async () => {
    const { actor, done, results, runtime, states } = run(['a.feature'], () => ({ neverScheduled: true }), 1);
    await new Promise<void>((resolve) => {
      const check = () => (runtime.waitingToStart === 1 ? resolve() : setImmediate(check));
      check();
    });
    actor.send({ type: 'CANCEL' });
    expect(await done).toMatchObject({ status: 'interrupted' });
    expect(results.map((r) => r.status)).toEqual(['cancelled']);
    expect(runtime.abortedStarts).toBe(1);
    expect(runtime.removed).toEqual(['fake-1']);
    expect(states.get('a.feature')).toEqual(['creating', 'attaching', 'starting', 'removing', 'done']);
  });

  it('counts a start that waits for a node against --timeout', async () => {
    const { done, results, runtime } = run(['a.feature'], () => ({ neverScheduled: true }), 1, { timeoutMs: 20 });
    expect(await done).toMatchObject({ status: 'failed' });
    expect(results[0]).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^timed out after .* before it started/),
    });
    expect(runtime.abortedStarts).toBe(1);
    expect(runtime.removed).toEqual(['fake-1']);
  });

  describe("--timeout, one budget from the container's creation, on the test's clock", () => {
    beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
    afterEach(() => void vi.useRealTimers());

    /** A hanging feature with a 1 s budget whose start takes until `started` is called. */
    function slowStart() {
      let started!: () => void;
      const startWhen = new Promise<void>((resolve) => (started = resolve));
      return { ...run(['slow.feature'], () => ({ hang: true, startWhen }), 1, { timeoutMs: 1000 }), started };
    }

    it('does not give time spent starting back when the container runs', async () => {
      const { done, results, states, started } = slowStart();
      await vi.advanceTimersByTimeAsync(900);
      started();
      await vi.advanceTimersByTimeAsync(150);
      // 1050 ms after its creation the feature is past its budget and being stopped.
      expect(states.get('slow.feature')).toContain('stopping');
      expect(await done).toMatchObject({ status: 'failed' });
      expect(results[0]).toMatchObject({ status: 'error', error: 'timed out after 1.0s' });
    });

    it('times a feature out before it runs when creating and starting took it all', async () => {
      const { done, results, states, started } = slowStart();
      await vi.advanceTimersByTimeAsync(1000);
      started();
      expect(await done).toMatchObject({ status: 'failed' });
      expect(states.get('slow.feature')).not.toContain('running');
      expect(results[0]).toMatchObject({
        status: 'error',
        error: expect.stringMatching(/^timed out after 1.0s before it started running/),
      });
    });
  });

  it('retries a failed feature in a fresh container and reports it passed and flaky', async () => {
    const { done, results, retried, runtime, states } = run(
      ['flaky.feature'],
      (file, attempt) => (attempt === 1 ? { exitCode: 1 } : { report: report(file) }),
      1,
      { retries: 2 },
    );
    expect(await done).toMatchObject({ status: 'passed' });
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ attempt: 1, status: 'failed' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      attempt: 2,
      status: 'passed',
      flaky: true,
      previousAttempts: [{ attempt: 1, status: 'failed', exitCode: 1 }],
    });
    expect(runtime.created).toHaveLength(2);
    expect(runtime.removed).toHaveLength(2);
    expect(states.get('flaky.feature')).toContain('running#2');
  });

  it('gives up after the last retry with the last attempt as the result', async () => {
    const { done, results, retried } = run(['bad.feature'], () => ({ exitCode: 1 }), 1, { retries: 2 });
    expect(await done).toMatchObject({ status: 'failed' });
    expect(retried.map((r) => r.attempt)).toEqual([1, 2]);
    expect(results[0]).toMatchObject({ attempt: 3, status: 'failed', flaky: false });
    expect(results[0]!.previousAttempts).toHaveLength(2);
  });

  it('with fail-fast, stops running features and skips queued ones after the first failure', async () => {
    const files = ['a-fails.feature', 'b-hangs.feature', 'c.feature', 'd.feature'];
    const { done, results, runtime } = run(
      files,
      (file) => (file === 'a-fails.feature' ? { exitCode: 1 } : { hang: true }),
      2,
      { failFast: true },
    );
    expect(await done).toMatchObject({ status: 'failed' });
    const statusOf = Object.fromEntries(results.map((r) => [r.file, r.status]));
    expect(statusOf).toEqual({
      'a-fails.feature': 'failed',
      'b-hangs.feature': 'skipped',
      'c.feature': 'skipped',
      'd.feature': 'skipped',
    });
    // c started after a's slot freed, before the failure was known, or not at all; every container is removed.
    expect(runtime.removed).toHaveLength(runtime.created.length);
    expect(runtime.running).toBe(0);
  });

  it('settles a feature whose actor crashes as an error, and still finishes the run', async () => {
    const runtime = new FakeRuntime((spec) => ({ report: report(spec.labels['io.baleen.feature']!) }));
    const results: FeatureResult[] = [];
    const observer: RunObserver = {
      state: (file, _attempt, state) => {
        if (file === 'boom.feature' && state === 'running') throw new Error('observer bug');
      },
      output: () => {},
      waiting: () => {},
      result: (result, final) => final && results.push(result),
    };
    const spec = RunSpecSchema.parse({ image: 'img', features: ['boom.feature', 'ok.feature'], concurrency: 2 });
    const done = launch(runtime, 2).submit('r', spec, observer).finished;
    expect(await done).toMatchObject({ status: 'failed' });
    expect(results.map((r) => [r.file, r.status])).toEqual(
      expect.arrayContaining([
        ['boom.feature', 'error'],
        ['ok.feature', 'passed'],
      ]),
    );
    expect(results.find((r) => r.file === 'boom.feature')!.error).toContain('observer bug');
    // Its container outlived the crashed actor; the run removes it by its labels.
    await vi.waitFor(() => expect(runtime.removed).toHaveLength(2));
  });
});
