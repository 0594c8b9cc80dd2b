import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { expectedWallTime } from '../../src/dispatcher/expected-wall-time.js';
import type { AttemptPlan } from '../../src/dispatcher/first-attempts.js';
import { longestFirst } from '../../src/dispatcher/order-strategy.js';
import { parseShard, planShards } from '../../src/shards/shard.js';
import { TimingHistory } from '../../src/timings/timing-history.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** What the dispatcher would queue for these features on `concurrency` slots (a run spec's fields). */
const plan = (
  features: readonly string[],
  predictions: Record<string, number>,
  concurrency: number,
  extra: Partial<AttemptPlan> = {},
): AttemptPlan => ({
  features: [...features],
  predictions,
  concurrency,
  split: 'feature',
  expectedScenarioLines: {},
  order: 'longest-first',
  ...extra,
});

const tail = { text: '', totalBytes: 0, truncatedBytes: 0 };
/** One container a CPU: durations taken as they are. */
const alone = { concurrency: 1, cpus: 1 };
const result = (file: string, durationMs: number, status: FeatureResult['status'] = 'passed'): FeatureResult => ({
  file,
  durationMs,
  status,
  attempt: 1,
  flaky: false,
  previousAttempts: [],
  exitCode: 0,
  stdout: tail,
  stderr: tail,
  cucumberJson: null,
  engineFailure: false,
});

function historyOf(durations: Record<string, number>): TimingHistory {
  const history = TimingHistory.empty();
  history.record(
    Object.entries(durations).map(([file, ms]) => result(file, ms)),
    alone,
  );
  return history;
}

describe('TimingHistory', () => {
  it('predicts the median of the last five durations, ignoring errors and interruptions', () => {
    const history = TimingHistory.empty();
    for (const ms of [100, 900, 200, 300, 5000, 250]) history.record([result('a', ms)], alone);
    history.record([result('a', 99_999, 'error'), result('b', 10, 'cancelled')], alone);
    expect(history.predict('a')).toBe(300); // of 900, 200, 300, 5000, 250
    expect(history.predict('b')).toBeUndefined();
  });

  it('takes a true median: with two durations, their mean, so one slow run does not set the prediction', () => {
    const history = TimingHistory.empty();
    history.record([result('a', 100)], alone);
    history.record([result('a', 900)], alone);
    expect(history.predict('a')).toBe(500);
  });

  it('scales a prediction to the concurrency and CPUs asked about, from those each duration ran at', () => {
    // Taken at concurrency 2 on 2 CPUs (each container had a CPU): at concurrency 4 on 2 CPUs, twice as long.
    const history = TimingHistory.empty();
    history.record([result('a', 309_000)], { concurrency: 2, cpus: 2 });
    expect(history.predict('a', { concurrency: 4, cpus: 2 })).toBe(618_000);
    // Taken at concurrency 8 on 2 CPUs (four containers a CPU): alone it takes a quarter of that.
    history.record([result('b', 40_000)], { concurrency: 8, cpus: 2 });
    expect(history.predict('b', { concurrency: 1, cpus: 2 })).toBe(10_000);
    expect(history.predictions(['a', 'b', 'new'], { concurrency: 2, cpus: 2 })).toEqual({ a: 309_000, b: 10_000 });
    expect(history.latestCpus()).toBe(2);
  });

  it('reads a version-1 file (bare durations) as durations run one container a CPU', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-timings-'));
    dirs.push(dir);
    const path = join(dir, 'timings.json');
    await writeFile(path, JSON.stringify({ version: 1, features: { 'a.feature': { durationsMs: [1000, 3000] } } }));
    expect((await TimingHistory.load(path)).predict('a.feature', { concurrency: 4, cpus: 2 })).toBe(4000);
  });

  it('round-trips through its file and treats a corrupt file as empty, with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-timings-'));
    dirs.push(dir);
    const path = join(dir, '.baleen/timings.json');
    await historyOf({ 'a.feature': 1234 }).save(path);
    expect((await TimingHistory.load(path)).predict('a.feature')).toBe(1234);
    await writeFile(path, '{ not json');
    const warnings: string[] = [];
    expect((await TimingHistory.load(path, (w) => warnings.push(w))).predict('a.feature')).toBeUndefined();
    expect(warnings[0]).toContain('not a baleen timings file');
  });
});

describe('TimingHistory with --split scenarios', () => {
  it('records each scenario under path:line and the feature as their sum, and predicts a scenario by its own history', () => {
    const history = TimingHistory.empty();
    const split = {
      ...result('f.feature', 300),
      scenarioJobs: [2, 5].map((line, i) => ({
        line,
        attempt: 1,
        status: 'passed' as const,
        flaky: false,
        previousAttempts: [],
        exitCode: 0,
        durationMs: 100 * (i + 1),
      })),
    };
    history.record([split], alone);
    expect(history.predict('f.feature:2')).toBe(100);
    expect(history.predict('f.feature:5')).toBe(200);
    expect(history.predict('f.feature')).toBe(300);
    expect(
      history.splitPredictions(
        [
          { files: ['f.feature'], line: 2 },
          { files: ['f.feature'], line: 5 },
        ],
        alone,
      ),
    ).toEqual({ 'f.feature:2': 100, 'f.feature:5': 200 });
  });

  it("gives a scenario without a history of its own an equal share of its feature's prediction", () => {
    const history = historyOf({ 'long.feature': 9000, 'short.feature': 1000 });
    const work = [
      { files: ['long.feature'], line: 3 },
      { files: ['long.feature'], line: 7 },
      { files: ['long.feature'], line: 9 },
      { files: ['short.feature'], line: 2 },
      { files: ['new.feature'], line: 4 },
    ];
    expect(history.splitPredictions(work, alone)).toEqual({
      'long.feature:3': 3000,
      'long.feature:7': 3000,
      'long.feature:9': 3000,
      'short.feature:2': 1000,
    });
  });
});

describe('longestFirst', () => {
  it('starts unknown features first, then the longest known', () => {
    const history = historyOf({ short: 100, long: 9000, mid: 2000 });
    expect(
      longestFirst(['long', 'mid', 'new-b', 'short', 'new-a'], history.predictions(['long', 'mid', 'short'])),
    ).toEqual(['new-b', 'new-a', 'long', 'mid', 'short']);
  });

  it('beats name order on a skewed suite, by the simulated wall time', () => {
    const durations = { a: 1000, b: 1000, c: 1000, d: 1000, z: 4000 };
    const byName = Object.keys(durations);
    expect(expectedWallTime(plan(byName, durations, 2, { order: 'given' }))).toBe(6000);
    expect(expectedWallTime(plan(byName, durations, 2, { order: 'longest-first' }))).toBe(4000);
    expect(expectedWallTime(plan(byName, {}, 2))).toBeUndefined();
  });

  it('packs the features into batches as the dispatcher does, each batch taking the sum of its features', () => {
    const durations = { a: 1000, b: 1000, c: 1000, d: 1000, z: 4000 };
    const features = Object.keys(durations);
    // Longest first, two a batch: [z, a] 5 s on one slot, [b, c] 2 s then [d] 1 s on the other (one feature
    // a container: 4 s).
    expect(expectedWallTime(plan(features, durations, 2, { batch: { kind: 'count', size: 2 } }))).toBe(5000);
    // auto: the target drops to the work per slot, 4 s: [z] and [a, b, c, d] side by side.
    expect(expectedWallTime(plan(features, durations, 2, { batch: { kind: 'auto', targetMs: 60_000 } }))).toBe(4000);
  });

  it('with --split scenarios, replays the scenario jobs the dispatcher queues, each on its own prediction', () => {
    // a.feature's four scenarios, 1 s each, spread over both slots beside b.feature (lines unknown: it runs
    // whole, 2 s): b on one slot, then two scenarios on each: 3 s. Whole, a alone would take its 4 s.
    const predictions = {
      'a.feature:3': 1000,
      'a.feature:7': 1000,
      'a.feature:9': 1000,
      'a.feature:12': 1000,
      'b.feature': 2000,
    };
    const split = plan(['a.feature', 'b.feature'], predictions, 2, {
      split: 'scenarios',
      expectedScenarioLines: { 'a.feature': [3, 7, 9, 12] },
    });
    expect(expectedWallTime(split)).toBe(3000);
    expect(
      expectedWallTime({ ...split, split: 'feature', predictions: { 'a.feature': 4000, 'b.feature': 2000 } }),
    ).toBe(4000);
    // A scenario without a prediction counts as the median of the known ones (1 s), and goes first: 7 s of work
    // on two slots, one scenario alone at the end: 4 s.
    expect(expectedWallTime({ ...split, expectedScenarioLines: { 'a.feature': [3, 7, 9, 12, 15] } })).toBe(4000);
    expect(
      expectedWallTime({ ...split, concurrency: 1, expectedScenarioLines: { 'a.feature': [3, 7, 9, 12, 15] } }),
    ).toBe(7000);
  });
});

describe('shards', () => {
  it('parses INDEX/TOTAL', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(parseShard('0/4')).toBeUndefined();
    expect(parseShard('5/4')).toBeUndefined();
    expect(parseShard('two')).toBeUndefined();
  });

  it('puts every feature in exactly one shard, balanced by predicted time, the same way every time', () => {
    const features = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}.feature`);
    const durations = Object.fromEntries(features.map((f, i) => [f, i % 7 === 0 ? 10_000 : 500 + i * 10]));
    const history = historyOf(durations);
    const { shards, id } = planShards(features, 3, history);
    expect(shards.flat().sort()).toEqual(features);
    const loads = shards.map((shard) => shard.reduce((sum, f) => sum + durations[f]!, 0));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...Object.values(durations)));
    expect(planShards([...features].reverse(), 3, history)).toEqual({ id, shards });
  });

  it('gives the same split the same id, and another split another', () => {
    const plan = planShards(['a', 'b', 'c', 'd'], 2, TimingHistory.empty());
    expect(plan.shards).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
    expect(plan.id).toMatch(/^[0-9a-f]{16}$/);
    // Another history, another split (the case: caches differ between shards): another id.
    const skewed = planShards(['a', 'b', 'c', 'd'], 2, historyOf({ d: 10_000, a: 100 }));
    expect(skewed.shards).toEqual([
      ['a', 'd'],
      ['b', 'c'],
    ]);
    expect(skewed.id).not.toBe(plan.id);
    // A history that changes the durations but not the split keeps the id.
    expect(planShards(['a', 'b', 'c', 'd'], 2, historyOf({ a: 5, b: 5, c: 5, d: 5 })).id).toBe(plan.id);
  });

  it('gives empty shards when there are more shards than features', () => {
    expect(planShards(['a', 'b'], 3, TimingHistory.empty()).shards[2]).toEqual([]);
  });
});
