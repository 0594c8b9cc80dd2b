import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { traceOf } from '../../src/reporters/files/trace-file.js';
import { PhaseClock } from '../../src/util/phase-clock.js';
import { featureResult } from '../support/run-fixtures.js';

const result = (over: Partial<FeatureResult>): FeatureResult => featureResult({ durationMs: 10, ...over });

describe('PhaseClock', () => {
  it('times a call that throws, ends only what began, and lists phases in the order they began', async () => {
    const clock = new PhaseClock<'a' | 'b' | 'c'>();
    clock.begin('b', 200);
    await expect(clock.time('a', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    clock.end('c', 300);
    clock.end('b', 250);
    clock.end('b', 999);
    clock.add('c', 100, 90);
    const phases = clock.phases();
    expect(phases.map((p) => p.phase)).toEqual(['c', 'b', 'a']);
    expect(phases[0]).toEqual({ phase: 'c', at: 100, ms: 0 });
    expect(phases[1]).toEqual({ phase: 'b', at: 200, ms: 50 });
    expect(clock.beganAt('b')).toBeUndefined();
  });
});

describe('traceOf', () => {
  it("draws the client's phases on one track and each attempt's on its slot's, scenario jobs one by one", () => {
    const client = [{ phase: 'load' as const, at: 1000, ms: 5 }];
    const attempts = [
      result({ slot: 1, phases: [{ phase: 'create', at: 1010, ms: 2.5 }] }),
      result({ file: 'features/b.feature', attempt: 2, phases: [{ phase: 'run', at: 1020, ms: 7 }] }),
      result({
        file: 'features/c.feature',
        scenarioJobs: [
          {
            line: 3,
            attempt: 1,
            status: 'passed',
            flaky: false,
            previousAttempts: [],
            exitCode: 0,
            durationMs: 1,
            slot: 2,
            phases: [{ phase: 'start', at: 1030, ms: 1 }],
          },
        ],
      }),
      result({ file: 'features/d.feature' }),
    ];
    const { traceEvents, displayTimeUnit } = JSON.parse(traceOf(client, attempts));
    expect(displayTimeUnit).toBe('ms');
    const complete = traceEvents.filter((event: { ph: string }) => event.ph === 'X');
    expect(complete).toEqual([
      { name: 'load', cat: 'client', ph: 'X', ts: 1_000_000, dur: 5000, pid: 1, tid: 0 },
      {
        name: 'create',
        cat: 'container',
        ph: 'X',
        ts: 1_010_000,
        dur: 2500,
        pid: 2,
        tid: 1,
        args: { feature: 'features/a.feature', attempt: 1 },
      },
      {
        name: 'run',
        cat: 'container',
        ph: 'X',
        ts: 1_020_000,
        dur: 7000,
        pid: 2,
        tid: 0,
        args: { feature: 'features/b.feature', attempt: 2 },
      },
      {
        name: 'start',
        cat: 'container',
        ph: 'X',
        ts: 1_030_000,
        dur: 1000,
        pid: 2,
        tid: 2,
        args: { feature: 'features/c.feature:3', attempt: 1 },
      },
    ]);
    const threads = traceEvents
      .filter((event: { name: string }) => event.name === 'thread_name')
      .map((event: { tid: number; args: { name: string } }) => [event.tid, event.args.name]);
    expect(threads).toEqual([
      [0, 'slot 0'],
      [1, 'slot 1'],
      [2, 'slot 2'],
    ]);
  });
});
