import { describe, expect, it } from 'vitest';
import { splitBatchReport } from '../../src/batch/split-report.js';
import type { CucumberJson } from '../../src/cucumber-json/schema.js';

const feature = (uri: string, ...stepNanos: number[]) => ({
  uri,
  name: uri,
  elements: [{ name: 's', steps: stepNanos.map((duration) => ({ name: 'x', result: { status: 'passed', duration } })) }],
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

  it("shares the batch's time by the features' step durations, adding up to it", () => {
    const shares = splitBatchReport(['a.feature', 'b.feature'], [feature('a.feature', 3e9), feature('b.feature', 1e9)], 8000);
    expect(shares.map((share) => share.durationMs)).toEqual([6000, 2000]);
  });

  it('leaves a feature the report does not name without a report and without time', () => {
    const shares = splitBatchReport(['a.feature', 'crashed-before.feature'], [feature('a.feature', 0)], 5000);
    expect(shares[1]).toEqual({ file: 'crashed-before.feature', report: undefined, durationMs: 0 });
    expect(shares[0]!.durationMs).toBe(5000); // no step took time: equal shares among the reported
  });
});
