import { describe, expect, it } from 'vitest';
import { splitBatchReport } from '../../src/batch/split-report.js';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';

const feature = (uri: string, ...stepNanos: number[]) => ({
  uri,
  name: uri,
  elements: [
    { name: 's', steps: stepNanos.map((duration) => ({ name: 'x', result: { status: 'passed', duration } })) },
  ],
});

describe('a batch report split back per feature', () => {
  it('gives each feature its own entries by uri, whatever the spelling of the path', () => {
    const report: CucumberJson = [feature('features/b.feature', 1e9), feature('features/a.feature', 3e9)];
    const shares = splitBatchReport(['./features/a.feature', 'features/./b.feature'], report, 8000);
    expect(shares.map((share) => [share.file, share.report?.map((f) => f.uri)])).toEqual([
      ['./features/a.feature', ['features/a.feature']],
      ['features/./b.feature', ['features/b.feature']],
    ]);
  });

  it("gives each feature its own steps' time and an equal part of the batch's start-up, adding up to the batch's time", () => {
    // 3 s and 1 s of steps in 8 s: the 4 s left (the start-up) is shared equally.
    const shares = splitBatchReport(
      ['a.feature', 'b.feature'],
      [feature('a.feature', 3e9), feature('b.feature', 1e9)],
      8000,
    );
    expect(shares.map((share) => share.durationMs)).toEqual([5000, 3000]);
  });

  it('predicts a batch of features from other batches close to what it takes, where shares by steps alone did not', () => {
    // Two batches of 4 s each, 3.5 s of it start-up: [a 400 ms of steps, b 100 ms] and [c 400 ms, d 100 ms].
    const first = splitBatchReport(
      ['a.feature', 'b.feature'],
      [feature('a.feature', 4e8), feature('b.feature', 1e8)],
      4000,
    );
    const second = splitBatchReport(
      ['c.feature', 'd.feature'],
      [feature('c.feature', 4e8), feature('d.feature', 1e8)],
      4000,
    );
    // Packed as [a, c] next time, the batch pays one start-up and 800 ms of steps: 4.3 s. By steps alone
    // a and c would have had 3.2 s each, 6.4 s together.
    expect(first[0]!.durationMs + second[0]!.durationMs).toBe(4300);
  });

  it('scales the steps down to the wall time when they add up to more (clocks that disagree)', () => {
    const shares = splitBatchReport(
      ['a.feature', 'b.feature'],
      [feature('a.feature', 3e9), feature('b.feature', 1e9)],
      2000,
    );
    expect(shares.map((share) => share.durationMs)).toEqual([1500, 500]);
  });

  it('leaves a feature the report does not name without a report and without time', () => {
    const shares = splitBatchReport(['a.feature', 'crashed-before.feature'], [feature('a.feature', 0)], 5000);
    expect(shares[1]).toEqual({ file: 'crashed-before.feature', report: undefined, durationMs: 0 });
    expect(shares[0]!.durationMs).toBe(5000); // no step took time: equal shares among the reported
  });
});
