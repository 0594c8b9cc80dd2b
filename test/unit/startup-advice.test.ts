import { describe, expect, it } from 'vitest';
import { startupAdvice, startupShare } from '../../src/client/startup-advice.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { featureResult } from '../support/run-fixtures.js';

/** A container of 2 s: 100 ms create, 10 attach, 500 start, 1300 run, 50 exit, 5 collect, 35 remove, after `readyMs` waiting. */
function result(file: string, stepMs: number, readyMs = 0): FeatureResult {
  const phases = (
    [
      ['ready', readyMs],
      ['create', 100],
      ['attach', 10],
      ['start', 500],
      ['run', 1300],
      ['exit', 50],
      ['collect', 5],
      ['remove', 35],
    ] as const
  ).map(([phase, ms], i) => ({ phase, at: 1000 + i, ms }));
  return featureResult({
    file,
    durationMs: 2000,
    cucumberJson: [
      {
        uri: file,
        name: 'F',
        elements: [
          { type: 'scenario', name: 'S', line: 2, steps: [{ result: { status: 'passed', duration: stepMs * 1e6 } }] },
        ],
      },
    ],
    phases,
  });
}

const files = (n: number) => Array.from({ length: n }, (_, i) => `features/f${i}.feature`);
const spec = (options: Record<string, unknown> = {}) =>
  RunSpecSchema.parse({ image: 'img', features: files(8), concurrency: 2, ...options });

describe('startupShare', () => {
  it("counts a container's engine calls and its command's time beyond its scenarios as starting, not its wait for a slot", () => {
    const share = startupShare([result('a', 100, 700), result('b', 300)])!;
    expect(share.containers).toBe(2);
    expect(share.averageMs).toBe(2000);
    expect(share.executingMs).toBe(400);
    expect(share.startingMs).toBe(1800);
  });
});

describe('startupAdvice', () => {
  it('names warm workers and about how long the run would take when its containers mostly started', () => {
    const results = files(8).map((file) => result(file, 100));
    // Each slot starting once (1.9 s) then running its half of 8 × 100 ms: about 2.3 s.
    expect(startupAdvice(results, spec(), 8000)).toBe(
      'its containers spent 95% of their time starting (1.9s of 2.0s each, on average): --isolation worker (one warm container per slot) would take about 2.3s instead of 8.0s here (see docs/isolation.md)',
    );
  });

  it('names batches when the run cannot have warm workers (it collects files)', () => {
    const results = files(8).map((file) => result(file, 100));
    expect(startupAdvice(results, spec({ collect: ['shots'] }), 8000)).toMatch(
      /: --batch auto \(one container per batch\) would take about 2\.3s instead of 8\.0s here/,
    );
  });

  it('says nothing when the containers mostly ran scenarios, when each slot ran one, or when the run starts few already', () => {
    const busy = files(8).map((file) => result(file, 1500));
    expect(startupAdvice(busy, spec(), 8000)).toBeUndefined();
    const starting = files(8).map((file) => result(file, 100));
    expect(startupAdvice(starting.slice(0, 2), spec(), 2000)).toBeUndefined();
    expect(startupAdvice(starting, spec({ isolation: 'worker' }), 8000)).toBeUndefined();
    expect(
      startupAdvice(starting, spec({ batch: { kind: 'count', size: 2 }, command: 'x {files}' }), 8000),
    ).toBeUndefined();
  });
});
