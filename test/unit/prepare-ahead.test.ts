import { describe, expect, it } from 'vitest';
import type { RunObserver } from '../../src/dispatcher/run-observer.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { type FakeBehaviour, FakeRuntime, fakeDispatcher } from '../support/fake-runtime.js';

// The dispatcher has the next jobs' containers made while others run, on a runtime whose created containers
// run nothing until started (as Docker's): scripted, since what is checked is the order of the calls.

/** A report that shows the feature's one scenario (at line 2) ran and passed. */
const report = (file: string) =>
  JSON.stringify([
    {
      name: 'F',
      uri: file,
      elements: [{ name: 'S', type: 'scenario', line: 2, steps: [{ result: { status: 'passed' } }] }],
    },
  ]);

function run(
  files: string[],
  behaviour: (file: string, attempt: number) => FakeBehaviour,
  options: {
    concurrency?: number;
    retries?: number;
    failFast?: boolean;
    timeoutMs?: number;
    createsIdle?: boolean;
  } = {},
) {
  const attempts = new Map<string, number>();
  const runtime = new FakeRuntime(
    (spec) => {
      const file = spec.labels['io.baleen.feature']!;
      attempts.set(file, (attempts.get(file) ?? 0) + 1);
      return behaviour(file, attempts.get(file)!);
    },
    { createsIdle: options.createsIdle ?? true },
  );
  const results: FeatureResult[] = [];
  const observer: RunObserver = {
    state: () => {},
    output: () => {},
    waiting: () => {},
    result: (result, final) => {
      if (final) results.push(result);
    },
  };
  const { createsIdle: _, ...specOptions } = options;
  const spec = RunSpecSchema.parse({ image: 'img', features: files, concurrency: 2, ...specOptions });
  const dispatcher = fakeDispatcher(runtime, spec.concurrency);
  const dispatched = dispatcher.submit('r1', spec, observer);
  return { dispatched, runtime, results };
}

const features = (n: number) => Array.from({ length: n }, (_, i) => `f${i}.feature`);
const phaseOf = (result: FeatureResult, name: string) => result.phases?.find((phase) => phase.phase === name);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('containers made ahead of their slot', () => {
  it('creates and attaches the next jobs while others run, so that a freed slot only starts one', async () => {
    const { dispatched, runtime, results } = run(features(8), (file) => ({ report: report(file), runsForMs: 20 }));
    expect(await dispatched.finished).toMatchObject({ status: 'passed' });
    expect(results.map((result) => result.status)).toEqual(Array(8).fill('passed'));
    expect(runtime.maxRunning).toBe(2);
    expect(runtime.created).toHaveLength(8);
    expect(runtime.removed).toHaveLength(8);
    // Every container after the first two was made while the one before it in its slot still ran, and waited
    // `ready` for the slot: its create and attach ended before its slot's previous container stopped.
    let ahead = 0;
    for (const slot of [0, 1]) {
      const spans = results.filter((result) => result.slot === slot);
      spans.sort((a, b) => a.containerStartedAt! - b.containerStartedAt!);
      for (let i = 1; i < spans.length; i++) {
        const attach = phaseOf(spans[i]!, 'attach')!;
        expect(phaseOf(spans[i]!, 'ready')).toBeDefined();
        expect(attach.at + attach.ms).toBeLessThanOrEqual(spans[i - 1]!.containerEndedAt!);
        expect(spans[i]!.containerStartedAt!).toBeGreaterThanOrEqual(spans[i - 1]!.containerEndedAt!);
        ahead++;
      }
    }
    expect(ahead).toBe(6);
    for (const result of results) {
      const names = result.phases!.map((phase) => phase.phase).filter((name) => name !== 'ready');
      expect(names).toEqual(['create', 'attach', 'start', 'run', 'exit', 'collect', 'remove']);
    }
  });

  it('makes nothing ahead on a runtime whose create starts what it makes (a swarm)', async () => {
    const { dispatched, runtime, results } = run(features(6), (file) => ({ report: report(file), runsForMs: 10 }), {
      createsIdle: false,
    });
    expect(await dispatched.finished).toMatchObject({ status: 'passed' });
    // Six results with their phases recorded, none of them a wait for a slot in a container made ahead.
    expect(results).toHaveLength(6);
    expect(results.every((result) => phaseOf(result, 'create') !== undefined)).toBe(true);
    expect(results.every((result) => phaseOf(result, 'ready') === undefined)).toBe(true);
    expect(runtime.removed).toHaveLength(6);
  });

  it('removes the containers it made ahead when the run is cancelled, before the run ends', async () => {
    const { dispatched, runtime, results } = run(features(6), () => ({ hang: true }));
    // Two running and their two successors made.
    await until(() => runtime.running === 2 && runtime.created.length === 4);
    dispatched.cancel();
    expect(await dispatched.finished).toMatchObject({ status: 'interrupted' });
    expect(runtime.created).toHaveLength(4);
    expect(new Set(runtime.removed)).toEqual(new Set(['fake-1', 'fake-2', 'fake-3', 'fake-4']));
    expect(results.map((result) => result.status)).toEqual(Array(6).fill('cancelled'));
  });

  it('removes them after --fail-fast too, and the features they were made for are skipped', async () => {
    const { dispatched, runtime, results } = run(
      features(6),
      (file) => (file === 'f0.feature' ? { exitCode: 1, runsForMs: 5 } : { hang: true }),
      { failFast: true },
    );
    expect(await dispatched.finished).toMatchObject({ status: 'failed' });
    expect(runtime.created.length).toBeGreaterThanOrEqual(3);
    expect(new Set(runtime.removed).size).toBe(runtime.created.length);
    const statusOf = Object.fromEntries(results.map((result) => [result.file, result.status]));
    expect(statusOf).toEqual({
      'f0.feature': 'failed',
      'f1.feature': 'skipped',
      'f2.feature': 'skipped',
      'f3.feature': 'skipped',
      'f4.feature': 'skipped',
      'f5.feature': 'skipped',
    });
  });

  it("counts --timeout from the job's slot, not from when its container was made ahead", async () => {
    // One slot: each container waits `ready` while the one before it runs (80 ms), then runs 80 ms itself. From
    // its making, the third has used 160 ms of a 120 ms budget; from its slot, 80 ms.
    const { dispatched, results } = run(features(3), (file) => ({ report: report(file), runsForMs: 80 }), {
      concurrency: 1,
      timeoutMs: 120,
    });
    expect(await dispatched.finished).toMatchObject({ status: 'passed' });
    expect(results.map((result) => result.status)).toEqual(['passed', 'passed', 'passed']);
    expect(phaseOf(results[2]!, 'ready')!.ms).toBeGreaterThanOrEqual(50);
  });

  it('runs a retry before the features made ahead, and still removes every container', async () => {
    const { dispatched, runtime, results } = run(
      features(5),
      (file, attempt) => (file === 'f0.feature' && attempt === 1 ? { exitCode: 1 } : { report: report(file) }),
      { retries: 1 },
    );
    expect(await dispatched.finished).toMatchObject({ status: 'passed' });
    expect(results.find((result) => result.file === 'f0.feature')).toMatchObject({ attempt: 2, flaky: true });
    expect(runtime.created).toHaveLength(6);
    expect(runtime.removed).toHaveLength(6);
  });
});
