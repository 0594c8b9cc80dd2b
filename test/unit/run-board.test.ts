import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { KEPT_RUNS, RunBoard } from '../../src/server/live/run-board.js';
import type { BoardEvent } from '../../src/server/live/board-views.js';
import { featureResult } from '../support/run-fixtures.js';

const info = {
  runId: 'run-1',
  image: 'img',
  features: ['a.feature', 'b.feature', 'c.feature'],
  concurrency: 2,
  startedAt: new Date(1000),
  reportDir: '',
};
const result = (
  file: string,
  status: FeatureResult['status'],
  cucumberJson: FeatureResult['cucumberJson'] = null,
): FeatureResult => featureResult({ file, status, exitCode: status === 'passed' ? 0 : 1, durationMs: 5, cucumberJson });

describe("the live page's run board", () => {
  it("draws a lane per server slot the run held, though the next container starts before the last one's bookkeeping", () => {
    // A slot frees when its container's command is over, and the next container (made ahead) starts at once:
    // its `starting` comes before the last one's `collecting`. The slot the server names keeps them on one lane.
    const board = new RunBoard(false);
    const reporter = board.watchRun({ ...info, concurrency: 1 });
    const state = (file: string, s: 'creating' | 'starting' | 'collecting', at: number, slot: number) =>
      reporter.onFeatureState!({ file, attempt: 1, state: s, at, slot });
    state('a.feature', 'creating', 1100, 5);
    state('b.feature', 'starting', 1400, 5);
    state('a.feature', 'collecting', 1450, 5);
    state('c.feature', 'creating', 1500, 7);
    const features = board.snapshot()[0]!.features;
    expect([features['a.feature']!.lane, features['b.feature']!.lane, features['c.feature']!.lane]).toEqual([0, 0, 1]);
    expect(features['b.feature']!.startedAt).toBe(1400);
  });

  it('puts containers that follow each other in one slot on one lane, and tells every change', () => {
    const board = new RunBoard(true);
    const events: BoardEvent[] = [];
    board.subscribe((event) => events.push(event));
    const reporter = board.watchRun(info);
    const state = (file: string, s: 'creating' | 'collecting', at: number) =>
      reporter.onFeatureState!({ file, attempt: 1, state: s, at });
    state('a.feature', 'creating', 1100);
    state('b.feature', 'creating', 1100);
    state('a.feature', 'collecting', 1500);
    state('c.feature', 'creating', 1600);
    const features = board.snapshot()[0]!.features;
    expect([features['a.feature']!.lane, features['b.feature']!.lane, features['c.feature']!.lane]).toEqual([0, 1, 0]);
    expect(features['a.feature']!.endedAt).toBe(1500);
    expect(features['c.feature']!.logs).toEqual({
      stdout: '/runs/run-1/logs/c.feature.stdout.log',
      stderr: '/runs/run-1/logs/c.feature.stderr.log',
    });
    expect(events.map((event) => event.type)).toEqual(['run', 'feature', 'feature', 'feature', 'feature']);
  });

  it("links a feature of a batch to its batch's log once its result is in", () => {
    const board = new RunBoard(true);
    const reporter = board.watchRun(info);
    for (const file of ['a.feature', 'b.feature'])
      reporter.onFeatureState!({ file, attempt: 1, state: 'creating', at: 1100 });
    reporter.onFeatureResult!(result('a.feature', 'passed'));
    reporter.onFeatureResult!({ ...result('b.feature', 'passed'), batchFirst: 'a.feature' });
    const features = board.snapshot()[0]!.features;
    expect(features['a.feature']!.logs!.stdout).toBe('/runs/run-1/logs/a.feature.stdout.log');
    expect(features['b.feature']!.logs).toEqual({
      stdout: '/runs/run-1/logs/a.feature.stdout.log',
      stderr: '/runs/run-1/logs/a.feature.stderr.log',
    });
  });

  it("shows a failed feature's first failed scenario: its failing step, the error's gist and the scenario's line", () => {
    const board = new RunBoard(false);
    const reporter = board.watchRun(info);
    reporter.onFeatureResult!(
      result('b.feature', 'failed', [
        {
          name: 'F',
          uri: 'b.feature',
          elements: [
            {
              name: 'P',
              type: 'scenario',
              line: 2,
              steps: [{ keyword: 'Given ', name: 'ok', result: { status: 'passed' } }],
            },
            {
              name: 'S',
              type: 'scenario',
              line: 7,
              steps: [
                { keyword: 'Given ', name: 'ok', result: { status: 'passed' } },
                {
                  keyword: 'Then ',
                  name: 'the sum is 5',
                  result: {
                    status: 'failed',
                    error_message: 'AssertionError: the sum is 4\n    at World.<anonymous> (steps.js:3:9)',
                  },
                },
              ],
            },
          ],
        },
      ]),
    );
    const feature = board.snapshot()[0]!.features['b.feature']!;
    expect(feature).toMatchObject({
      status: 'failed',
      failure: { scenario: 'S', line: 7, step: 'Then the sum is 5', message: 'AssertionError: the sum is 4' },
    });
    expect(feature.logs).toBeUndefined();
  });

  it('with --split scenarios, keeps scenario jobs under their feature, which runs while any of them does', () => {
    const board = new RunBoard(true);
    const events: BoardEvent[] = [];
    board.subscribe((event) => events.push(event));
    const reporter = board.watchRun({ ...info, features: ['a.feature'], scenarioJobs: { 'a.feature': 3 } });
    const state = (name: string, s: 'creating' | 'running' | 'done', at: number) =>
      reporter.onFeatureState!({ file: name, attempt: 1, state: s, at });
    state('a.feature:3', 'creating', 1100);
    state('a.feature:3', 'running', 1200);
    const feature = () => board.snapshot()[0]!.features['a.feature']!;
    expect(Object.keys(board.snapshot()[0]!.features)).toEqual(['a.feature']);
    expect(feature()).toMatchObject({ state: 'running', scenarioJobs: 3 });
    expect(feature().scenarios!['3']).toMatchObject({
      line: 3,
      state: 'running',
      lane: 0,
      startedAt: 1100,
      logs: { stdout: '/runs/run-1/logs/a.feature.line-3.stdout.log' },
    });
    // Its only running scenario done and the next not started: the feature waits for a slot again.
    state('a.feature:3', 'done', 1500);
    expect(feature().state).toBe('queued');
    expect(feature().scenarios!['3']!.endedAt).toBe(1500);
    state('a.feature:8', 'creating', 1600);
    expect(feature()).toMatchObject({ state: 'running', scenarios: { '8': { lane: 0 } } });
    // The result gives every scenario its status, one that never started (fail-fast) too.
    const job = (line: number, status: FeatureResult['status']) => ({
      line,
      attempt: 1,
      status,
      flaky: false,
      previousAttempts: [],
      exitCode: null,
      durationMs: 1,
    });
    reporter.onFeatureResult!({
      ...result('a.feature', 'failed'),
      scenarioJobs: [job(3, 'passed'), job(8, 'failed'), job(12, 'skipped')],
    });
    expect(feature()).toMatchObject({ state: 'done', status: 'failed' });
    expect(Object.values(feature().scenarios!).map((scenario) => [scenario.line, scenario.status])).toEqual([
      [3, 'passed'],
      [8, 'failed'],
      [12, 'skipped'],
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'run',
      'scenario',
      'feature',
      'scenario',
      'scenario',
      'feature',
      'scenario',
      'feature',
      'feature',
    ]);
  });

  it('gives a feature that never started (a cancelled run) its status, done', () => {
    const board = new RunBoard(false);
    const reporter = board.watchRun(info);
    reporter.onFeatureResult!(result('c.feature', 'cancelled'));
    expect(board.get('run-1')!.features['c.feature']).toMatchObject({ state: 'done', status: 'cancelled' });
  });

  it('shows the page the running runs and the 20 newest finished; keeps the newest 100 finished for the run API', async () => {
    const board = new RunBoard(false);
    const running = board.watchRun({ ...info, runId: 'running' });
    for (let n = 0; n < KEPT_RUNS + 5; n++) {
      const reporter = board.watchRun({ ...info, runId: `run-${n}` });
      await reporter.onEnd!({ status: 'passed', durationMs: 1 } as never);
    }
    expect(running).toBeDefined();
    const shown = board.snapshot().map((run) => run.runId);
    expect(shown).toHaveLength(21);
    expect(shown.slice(0, 3)).toEqual([`run-${KEPT_RUNS + 4}`, `run-${KEPT_RUNS + 3}`, `run-${KEPT_RUNS + 2}`]);
    expect(shown).toContain('running');
    expect(board.runIds()).toHaveLength(KEPT_RUNS + 1);
    expect(board.get('run-4')).toBeUndefined();
    expect(board.get('run-5')).toBeDefined();
    expect(board.get('running')).toBeDefined();
  });

  it('keeps fewer finished runs when together they hold more than 100 000 features', async () => {
    const board = new RunBoard(false);
    const many = Array.from({ length: 40_000 }, (_, n) => `f${n}.feature`);
    for (const runId of ['big-1', 'big-2', 'big-3']) {
      const reporter = board.watchRun({ ...info, runId, features: many });
      await reporter.onEnd!({ status: 'passed', durationMs: 1 } as never);
    }
    expect(board.runIds()).toEqual(['big-2', 'big-3']);
  });
});
