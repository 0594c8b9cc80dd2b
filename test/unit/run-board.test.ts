import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunBoard } from '../../src/server/live/run-board.js';
import type { BoardEvent } from '../../src/server/live/board-views.js';

const info = { runId: 'run-1', image: 'img', features: ['a.feature', 'b.feature', 'c.feature'], concurrency: 2, startedAt: new Date(1000), reportDir: '' };
const tail = { text: '', totalBytes: 0, truncatedBytes: 0 };
const result = (file: string, status: FeatureResult['status'], cucumberJson: FeatureResult['cucumberJson'] = null): FeatureResult => ({
  file, attempt: 1, status, flaky: false, previousAttempts: [], exitCode: status === 'passed' ? 0 : 1, durationMs: 5, stdout: tail, stderr: tail, cucumberJson, engineFailure: false,
});

describe('the live page\'s run board', () => {
  it('puts containers that follow each other in one slot on one lane, and tells every change', () => {
    const board = new RunBoard(true);
    const events: BoardEvent[] = [];
    board.subscribe((event) => events.push(event));
    const reporter = board.watchRun(info);
    const state = (file: string, s: 'creating' | 'collecting', at: number) => reporter.onFeatureState!({ file, attempt: 1, state: s, at });
    state('a.feature', 'creating', 1100);
    state('b.feature', 'creating', 1100);
    state('a.feature', 'collecting', 1500);
    state('c.feature', 'creating', 1600);
    const features = board.snapshot()[0]!.features;
    expect([features['a.feature']!.lane, features['b.feature']!.lane, features['c.feature']!.lane]).toEqual([0, 1, 0]);
    expect(features['a.feature']!.endedAt).toBe(1500);
    expect(features['c.feature']!.logs).toEqual({ stdout: '/runs/run-1/logs/c.feature.stdout.log', stderr: '/runs/run-1/logs/c.feature.stderr.log' });
    expect(events.map((event) => event.type)).toEqual(['run', 'feature', 'feature', 'feature', 'feature']);
  });

  it('links a feature of a batch to its batch\'s log once its result is in', () => {
    const board = new RunBoard(true);
    const reporter = board.watchRun(info);
    for (const file of ['a.feature', 'b.feature']) reporter.onFeatureState!({ file, attempt: 1, state: 'creating', at: 1100 });
    reporter.onFeatureResult!(result('a.feature', 'passed'));
    reporter.onFeatureResult!({ ...result('b.feature', 'passed'), batchFirst: 'a.feature' });
    const features = board.snapshot()[0]!.features;
    expect(features['a.feature']!.logs!.stdout).toBe('/runs/run-1/logs/a.feature.stdout.log');
    expect(features['b.feature']!.logs).toEqual({ stdout: '/runs/run-1/logs/a.feature.stdout.log', stderr: '/runs/run-1/logs/a.feature.stderr.log' });
  });

  it('shows a failed feature\'s failing step', () => {
    const board = new RunBoard(false);
    const reporter = board.watchRun(info);
    reporter.onFeatureResult!(
      result('b.feature', 'failed', [{ name: 'F', uri: 'b.feature', elements: [{ name: 'S', type: 'scenario', steps: [{ keyword: 'Given ', name: 'ok', result: { status: 'passed' } }, { keyword: 'Then ', name: 'the sum is 5', result: { status: 'failed', error_message: 'no' } }] }] }]),
    );
    const feature = board.snapshot()[0]!.features['b.feature']!;
    expect(feature).toMatchObject({ status: 'failed', failingStep: 'Then the sum is 5' });
    expect(feature.logs).toBeUndefined();
  });
});
