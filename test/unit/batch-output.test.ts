import { describe, expect, it } from 'vitest';
import { type AttemptRecord, featureResults } from '../../src/attempt/feature-result.js';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';

const tail = (text: string) => ({ text, totalBytes: Buffer.byteLength(text), truncatedBytes: 0 });
const scenario = (uri: string, line: number, status: string) => ({
  uri,
  name: uri,
  elements: [{ type: 'scenario', name: 's', line, steps: [{ keyword: 'Then ', name: 'x', result: { status } }] }],
});

/** cucumber-js's progress output for a batch of two features: dots, then each failure under its file:line. */
const PROGRESS = [
  '..F...F',
  '',
  'Failures:',
  '',
  '1) Scenario: adds wrongly # features/checkout.feature:7',
  '   ✔ Given the number 2 # steps.js:6',
  '   ✖ Then the result is 5 # steps.js:14',
  '       AssertionError: the result is 4, not 5',
  '',
  '2) Scenario: exports # features/export.feature:2',
  '   ✖ Then the export is written # steps.js:30',
  '       Error: disk full',
  '',
  '4 scenarios (2 failed, 2 passed)',
  '8 steps (2 failed, 6 passed)',
  '0m00.020s (executing steps: 0m00.004s)',
  '',
].join('\n');

function batchRecord(): AttemptRecord {
  const spec = RunSpecSchema.parse({
    image: 'runner',
    concurrency: 1,
    features: ['features/checkout.feature', 'features/export.feature'],
    batch: { kind: 'count', size: 2 },
    command: 'cucumber-js {files} --format json:{report}',
  });
  const report = [
    scenario('features/checkout.feature', 7, 'failed'),
    scenario('features/export.feature', 2, 'failed'),
  ] as CucumberJson;
  return {
    files: ['features/checkout.feature', 'features/export.feature'],
    attempt: 1,
    spec,
    startedAt: Date.now() - 1000,
    exit: { exitCode: 1, oomKilled: false },
    report,
    engineFailure: false,
    stdout: tail(PROGRESS),
    stderr: tail('export: row 2735 written\nexport: WARN disk almost full\n'),
  } as AttemptRecord;
}

describe("a batch's output (issue 21, case 7)", () => {
  it('gives each feature its own part where the output can be cut, and says plainly what cannot', () => {
    const [checkout, exported] = featureResults(batchRecord());
    // checkout.feature's stdout: its own failure, not export.feature's.
    expect(checkout!.stdout.text).toContain('1) Scenario: adds wrongly # features/checkout.feature:7');
    expect(checkout!.stdout.text).toContain('AssertionError: the result is 4, not 5');
    expect(checkout!.stdout.text).not.toContain('disk full');
    expect(checkout!.stdout.text).toMatch(
      /^\(baleen\) the rest of this output is its batch's \(features\/checkout\.feature, features\/export\.feature\), one process's, which cannot be told apart by feature: logs\/features\/checkout\.feature\.stdout\.log has all of it\n/,
    );
    // stderr has nothing to cut it by: said, and export.feature's lines are not shown as checkout.feature's.
    expect(checkout!.stderr.text).not.toContain('row 2735');
    expect(checkout!.stderr.text).toBe(
      "(baleen) stderr is its batch's (features/checkout.feature, features/export.feature), one process's, which cannot be told apart by feature: logs/features/checkout.feature.stderr.log has all of it\n",
    );
    expect(exported!.stdout.text).toContain('2) Scenario: exports # features/export.feature:2');
    expect(exported!.stdout.text).not.toContain('AssertionError');
  });

  it('leaves a feature that ran alone its whole output', () => {
    const record = { ...batchRecord(), files: ['features/checkout.feature'] };
    const [alone] = featureResults(record);
    expect(alone!.stdout.text).toBe(PROGRESS);
    expect(alone!.stderr.text).toContain('row 2735');
  });
});
