import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';
import { refundFeature } from '../support/refund-feature.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-console-failures-');
const IMAGE = 'baleen-test-console-failures';

// Two failing scenarios whose assertion diff is on stdout while the service's warning is on stderr, and a
// feature that does not parse.
const FEATURES = {
  'features/refund.feature': refundFeature('a partial refund', [
    '  Scenario: no refund',
    '    When the refund service answers 0',
    '    Then the refund is 0',
    '',
  ]),
  'features/broken.feature': 'Feature: Broken\n  Scenario: a\n    Given the number 1\n  Oops this is not Gherkin\n',
};

/** The console's failure list: from its heading to the summary line. */
function failureList(stdout: string): string {
  const start = stdout.indexOf('Failures');
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  const end = stdout.indexOf('\nFAILED', start);
  return stdout.slice(start, end);
}

describe('the console failure list', () => {
  let suite = '';
  beforeAll(async () => {
    suite = scratch.path('suite');
    await buildSuiteImage(suite, IMAGE, FEATURES);
  }, 120_000);

  it('names every failed scenario with its step, error and file:line, then both output tails', async () => {
    const result = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/refund.feature',
        'features/broken.feature',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: suite },
    );
    expect(result.code, result.stderr).toBe(1);
    const list = failureList(result.stdout);
    // Both failing scenarios, each at its line with its failing step and the report's error (the diff).
    expect(list).toContain('features/refund.feature:2 a full refund');
    expect(list).toContain('features/refund.feature:6 a partial refund');
    expect(list).not.toContain('no refund');
    expect(list.match(/Then the refund is 10/g)?.length).toBeGreaterThanOrEqual(1);
    expect(list).toContain('Then the refund is 5');
    expect(list).toMatch(/amount: 9/);
    expect(list).toMatch(/amount: 4/);
    // stdout is shown although stderr has text: cucumber-js's own account of the failures is there.
    expect(list).toMatch(/stdout \(last \d+ lines?\):/);
    expect(list).toContain('3 scenarios (2 failed, 1 passed)');
    expect(list).toMatch(/stderr \(last \d+ lines?\):/);
    expect(list).toContain('refund service: WARN slow response');
    // The feature without a report: its parse error, at the line the parser names.
    expect(list).toMatch(/features\/broken\.feature: .*\(4:\d+\)/);
  }, 180_000);

  it('--verbose prints the server log as readable lines, never pino JSON', async () => {
    const result = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/refund.feature',
        '--report-dir',
        scratch.reportDir(),
        '--verbose',
      ],
      { cwd: suite },
    );
    expect(result.code, result.stderr).toBe(1);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).not.toMatch(/^\{"level"/m);
    expect(result.stderr).toMatch(
      /^baleen server: info run accepted runId=\S+ image=baleen-test-console-failures features=1/m,
    );
    expect(result.stderr).toMatch(/^baleen server: info run finished /m);
  }, 120_000);
});
