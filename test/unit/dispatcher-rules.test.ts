import { describe, expect, it } from 'vitest';
import type { FeatureResult, StopReason } from '../../src/domain/feature-run.js';
import { RunSpecSchema, type RunSpec } from '../../src/domain/run-spec.js';
import { Dispatcher } from '../../src/dispatcher/dispatcher.js';
import type { Job } from '../../src/domain/job.js';
import type { JobEvents, JobLauncher } from '../../src/attempt/job-launcher.js';
import type { RunObserver } from '../../src/dispatcher/run-observer.js';
import { placeInLine, scheduleStep, type RunLoad } from '../../src/dispatcher/schedule-step.js';
import { settleAttempt } from '../../src/dispatcher/settle-rules.js';
import { unstartedResult } from '../../src/attempt/result-without-container.js';
import { FeatureStatusSchema, letsRunPass } from '../../src/domain/feature-run.js';
import { outcomeOf } from '../../src/domain/run-outcome.js';
import { expectedWallTime } from '../../src/dispatcher/expected-wall-time.js';

const load = (runId: string, held: number, concurrency: number, queued: number, stopping = false): RunLoad => ({
  runId,
  held,
  concurrency,
  queued,
  stopping,
});

describe('scheduleStep', () => {
  it('fills free capacity and never more (rule 1)', () => {
    expect(scheduleStep({ capacity: 3, runs: [load('a', 0, 10, 10)] })).toEqual(['a', 'a', 'a']);
    expect(scheduleStep({ capacity: 3, runs: [load('a', 3, 10, 10)] })).toEqual([]);
  });

  it('caps a run at its concurrency and skips stopping or empty runs (rule 2)', () => {
    expect(
      scheduleStep({ capacity: 8, runs: [load('a', 1, 2, 10), load('b', 0, 4, 0), load('c', 0, 4, 5, true)] }),
    ).toEqual(['a']);
  });

  it('gives the next slot to the run holding the fewest, the earliest on a tie (rule 3)', () => {
    // A big run holds 3 of 4 slots; a small run just submitted gets the one free slot.
    expect(scheduleStep({ capacity: 4, runs: [load('big', 3, 4, 500), load('small', 0, 4, 2)] })).toEqual(['small']);
    // Two empty runs share 4 slots evenly, the earlier one first.
    expect(scheduleStep({ capacity: 4, runs: [load('a', 0, 4, 9), load('b', 0, 4, 9)] })).toEqual(['a', 'b', 'a', 'b']);
  });

  it('says where a waiting run stands in line: runs holding nothing, in the order submitted', () => {
    const state = { capacity: 2, runs: [load('big', 2, 2, 100), load('x', 0, 2, 3), load('y', 0, 2, 3)] };
    expect(placeInLine(state, 'x')).toBe(1);
    expect(placeInLine(state, 'y')).toBe(2);
    expect(placeInLine(state, 'big')).toBeUndefined();
  });
});

describe('settleAttempt', () => {
  const rules = { retries: 1, failFast: true, stopping: false };
  it('retries an unsuccessful attempt with attempts left, unless the run is stopping', () => {
    expect(settleAttempt('failed', 1, rules)).toEqual({ kind: 'retry' });
    expect(settleAttempt('error', 1, rules)).toEqual({ kind: 'retry' });
    expect(settleAttempt('failed', 1, { ...rules, stopping: true })).toEqual({ kind: 'final', stopRun: false });
  });
  it('makes the last attempt final, and a final failure stops a fail-fast run once', () => {
    expect(settleAttempt('failed', 2, rules)).toEqual({ kind: 'final', stopRun: true });
    expect(settleAttempt('passed', 1, rules)).toEqual({ kind: 'final', stopRun: false });
    expect(settleAttempt('failed', 2, { ...rules, failFast: false })).toEqual({ kind: 'final', stopRun: false });
  });
});

describe("the run's verdict: one rule for every status", () => {
  it('lets a run pass only on passed features; retries and fail-fast act on failed and error alone', () => {
    const statuses = FeatureStatusSchema.options;
    expect(statuses.filter(letsRunPass)).toEqual(['passed']);
    // Skipped and cancelled are the run stopping, not a feature failing: never retried, never a fail-fast
    // trigger, and still no pass (they did not demonstrably run).
    expect(
      statuses.filter(
        (status) => settleAttempt(status, 1, { retries: 1, failFast: false, stopping: false }).kind === 'retry',
      ),
    ).toEqual(['failed', 'error']);
  });

  it('reports a run whose features were all skipped as failed, never passed', async () => {
    const launcher = new ManualLauncher();
    const dispatched = new Dispatcher(2, launcher).submit('r', spec(['a', 'b'], 2), observer().o);
    launcher.end('a', 'skipped');
    launcher.end('b', 'skipped');
    expect(await dispatched.finished).toMatchObject({ status: 'failed' });
  });

  it("does not take a server's `passed` for a run in which a feature did not pass (one settled on the client)", () => {
    const info = {
      runId: 'r',
      image: 'img',
      features: ['a', 'b'],
      concurrency: 1,
      startedAt: new Date(),
      reportDir: '/tmp/x',
    };
    const result = (file: string, status: FeatureResult['status']) => ({
      ...unstartedResult(file, 1, 'interrupt', spec([file], 1)),
      status,
    });
    expect(
      outcomeOf(
        info,
        'passed',
        1,
        new Map([
          ['a', result('a', 'passed')],
          ['b', result('b', 'failed')],
        ]),
      ).status,
    ).toBe('failed');
    // Nor for one with a feature that never got a result.
    expect(outcomeOf(info, 'passed', 1, new Map([['a', result('a', 'passed')]])).status).toBe('failed');
    expect(
      outcomeOf(
        info,
        'passed',
        1,
        new Map([
          ['a', result('a', 'passed')],
          ['b', result('b', 'passed')],
        ]),
      ).status,
    ).toBe('passed');
    expect(outcomeOf(info, 'interrupted', 1, new Map([['a', result('a', 'passed')]])).status).toBe('interrupted');
  });
});

/** A launcher whose jobs run until the test ends them, so the order of admission can be read exactly. */
class ManualLauncher implements JobLauncher {
  readonly started: (Job & { events: JobEvents })[] = [];
  readonly cancelled: Job[] = [];
  launch(job: Job, _spec: unknown, _observer: unknown, events: JobEvents) {
    this.started.push({ ...job, events });
    return { cancel: (_reason: StopReason) => this.cancelled.push(job) };
  }
  unstarted = (job: Job, spec: RunSpec, reason: StopReason) =>
    unstartedResult(job.files[0]!, job.attempt, reason, spec);
  runEnded = () => Promise.resolve();
  /** The job's container exits and it settles with `status`. */
  end(file: string, status: FeatureResult['status'] = 'passed'): void {
    this.endJob(this.started.find((j) => j.files[0] === file)!, status);
  }
  endJob(job: Job & { events: JobEvents }, status: FeatureResult['status'] = 'passed'): void {
    job.events.stopped();
    job.events.settled({
      ...unstartedResult(job.files[0]!, job.attempt, 'interrupt', spec([job.files[0]!], 1)),
      status,
      error: undefined as never,
    });
  }
}

function observer() {
  const places: number[] = [];
  const results: FeatureResult[] = [];
  const o: RunObserver = {
    state: () => {},
    output: () => {},
    waiting: (p) => places.push(p),
    result: (r, final) => final && results.push(r),
  };
  return { o, places, results };
}

const features = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}.feature`);
const spec = (files: string[], concurrency: number, extra: object = {}) =>
  RunSpecSchema.parse({ image: 'img', features: files, concurrency, ...extra });

describe('Dispatcher', () => {
  it('bounds containers across runs by its capacity and each run by its concurrency', () => {
    const launcher = new ManualLauncher();
    const dispatcher = new Dispatcher(4, launcher);
    dispatcher.submit('a', spec(features('a', 10), 3), observer().o);
    dispatcher.submit('b', spec(features('b', 10), 3), observer().o);
    expect(launcher.started.map((j) => j.runId)).toEqual(['a', 'a', 'a', 'b']);
    expect(dispatcher.busy).toBe(4);
  });

  it('starts a small run submitted during a big one at the next free slot, telling it its place until then', () => {
    const launcher = new ManualLauncher();
    const dispatcher = new Dispatcher(2, launcher);
    dispatcher.submit('big', spec(features('big', 500), 2), observer().o);
    const small = observer();
    dispatcher.submit('small', spec(features('small', 2), 2), small.o);
    expect(small.places).toEqual([1]);
    launcher.end('big0000.feature');
    expect(launcher.started.at(-1)).toMatchObject({ runId: 'small', files: ['small0000.feature'] });
    // The small run now holds one slot, the big one the other: the next free slot goes to the one holding fewer.
    launcher.end('big0001.feature');
    expect(launcher.started.at(-1)).toMatchObject({ runId: 'big' });
  });

  it('orders each run longest first from the predictions, unknown features first', () => {
    const launcher = new ManualLauncher();
    new Dispatcher(4, launcher).submit(
      'r',
      spec(['a', 'b', 'c', 'new'], 4, { predictions: { a: 1, b: 300, c: 20 } }),
      observer().o,
    );
    expect(launcher.started.map((j) => j.files[0])).toEqual(['new', 'b', 'c', 'a']);
  });

  it("hands out a run's work in the order its spec names, and the client's prediction replays that same order", () => {
    const predictions = { a: 1000, b: 1000, c: 1000, d: 1000, z: 4000 };
    const started = (order: string) => {
      const launcher = new ManualLauncher();
      new Dispatcher(5, launcher).submit('r', spec(Object.keys(predictions), 5, { predictions, order }), observer().o);
      return launcher.started.map((j) => j.files[0]);
    };
    expect(started('given')).toEqual(['a', 'b', 'c', 'd', 'z']);
    expect(started('longest-first')).toEqual(['z', 'a', 'b', 'c', 'd']);
    // On two slots, z last in the given order runs alone at the end: the prediction says so from the same field.
    const two = (order: string) => expectedWallTime(spec(Object.keys(predictions), 2, { predictions, order }));
    expect(two('given')).toBe(6000);
    expect(two('longest-first')).toBe(4000);
    expect(() => spec(['a'], 1, { order: 'shortest-first' })).toThrow(/longest-first/);
  });

  it('puts a retry ahead of first attempts; fail-fast cancels live jobs and settles queued ones unstarted', async () => {
    const launcher = new ManualLauncher();
    const run = observer();
    const dispatched = new Dispatcher(1, launcher).submit(
      'r',
      spec(['a', 'b', 'c', 'd'], 1, { retries: 1, failFast: true }),
      run.o,
    );
    // a's container exits before its attempt is settled: b takes the freed slot; the retry of a goes next.
    launcher.end('a', 'failed');
    launcher.end('b', 'passed');
    expect(launcher.started.map((j) => `${j.files[0]}#${j.attempt}`)).toEqual(['a#1', 'b#1', 'a#2']);
    // a#2's container exits: c takes the slot before a's outcome is known; then a fails for good.
    launcher.endJob(launcher.started[2]!, 'failed');
    expect(launcher.started.map((j) => j.files[0])).toEqual(['a', 'b', 'a', 'c']);
    expect(launcher.cancelled.map((j) => j.files[0])).toEqual(['c']);
    launcher.end('c', 'skipped');
    expect(await dispatched.finished).toMatchObject({ status: 'failed' });
    expect(run.results.map((r) => [r.file, r.status])).toEqual([
      ['b', 'passed'],
      ['a', 'failed'],
      ['d', 'skipped'],
      ['c', 'skipped'],
    ]);
    expect(launcher.started).toHaveLength(4);
  });

  it('queues 100 000 jobs of a run, creating an actor only for each admitted one', () => {
    const launcher = new ManualLauncher();
    const dispatcher = new Dispatcher(8, launcher);
    const files = features('f', 100_000).map((f, i) => `${i}/${f}`);
    dispatcher.submit('r', spec(files, 8), observer().o);
    // Only admitted jobs get an actor (the cost per job is measured by bench/dispatcher.mjs, not here).
    expect(launcher.started).toHaveLength(8);
    expect(dispatcher.queued).toBe(100_000 - 8);
    for (let i = 0; i < 100_000; i++) launcher.endJob(launcher.started[i]!);
    expect(launcher.started).toHaveLength(100_000);
    expect(dispatcher.queued).toBe(0);
  }, 60_000);
});
