import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { runCli } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-batch-output-');
const IMAGE = 'baleen-test-batch-output';

// In one batch: checkout.feature fails quietly; export.feature passes and talks on stderr.
const FEATURES = {
  'features/checkout.feature': [
    'Feature: Checkout',
    '  Scenario: adds wrongly',
    '    Given the number 2',
    '    When I add 2',
    '    Then the result is 5',
    '',
  ].join('\n'),
  'features/export.feature': [
    'Feature: Export',
    '  Scenario: exports',
    '    When the refund service answers 10',
    '    Then the refund is 10',
    '',
  ].join('\n'),
};

describe("a batch's output (issue 21, case 7)", () => {
  let suite = '';
  beforeAll(async () => {
    suite = scratch.path('suite');
    await buildSuiteImage(suite, IMAGE, FEATURES);
  }, 120_000);

  it("never shows a neighbour's output as a feature's own, and says what cannot be cut", async () => {
    const reportDir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', IMAGE, '--files', 'features/', '--batch', '2', '--report-dir', reportDir],
      { cwd: suite },
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    // The console's failure list of checkout.feature: its own failure block, not export.feature's warning.
    const failures = result.stdout.slice(result.stdout.indexOf('Failures'));
    expect(failures).toContain('features/checkout.feature');
    expect(failures).not.toContain('refund service: WARN');
    expect(failures).toContain("(baleen) stderr is its batch's (features/checkout.feature, features/export.feature)");
    expect(failures).toMatch(/1\) Scenario: adds wrongly # features\/checkout\.feature:2/);
    // results.json: the same for every report made from it; the batch's whole output is in its log.
    const { results } = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8')) as {
      results: FeatureResult[];
    };
    const checkout = results.find((entry) => entry.file === 'features/checkout.feature')!;
    expect(checkout.stderr.text).not.toContain('refund service');
    const log = /: (logs\/\S+) has all of it/.exec(checkout.stderr.text)![1]!;
    expect(await readFile(join(reportDir, log), 'utf8')).toContain('refund service: WARN');
  });
});
