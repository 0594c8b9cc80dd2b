import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { baleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-literal-paths-');
const IMAGE = 'baleen-test-literal-paths';

/** Two passing scenarios, named after the file so that a report naming the wrong file shows. */
const twoScenarios = (name: string) =>
  `Feature: ${name}\n  Scenario: first\n    Given the number 1\n    Then the result is 1\n\n  Scenario: second\n    Given the number 2\n    Then the result is 2\n`;

// Each name is one cucumber-js would read as something else: a class, a wildcard, a template placeholder, a
// rerun file, an option. `b.feature` and `x1.feature` are what `[` and `*` would select instead.
const ODD_NAMES = [
  'features/a[b].feature',
  'features/star*.feature',
  'features/r{report}.feature',
  'features/@rerun.feature',
  'features/-dash.feature',
];
const DECOYS = ['features/b.feature', 'features/starX.feature'];

describe('feature paths reach cucumber-js literally', () => {
  let suite = '';
  beforeAll(async () => {
    suite = scratch.path('suite');
    await buildSuiteImage(
      suite,
      IMAGE,
      Object.fromEntries([...ODD_NAMES, ...DECOYS].map((path) => [path, twoScenarios(path)])),
    );
  });

  it('runs a feature whose name holds [ ] * {report} @ or a leading - as exactly that file, all its scenarios', async () => {
    const reportDir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', IMAGE, '--files', ...ODD_NAMES, '--report-dir', reportDir, '--concurrency', '2'],
      { cwd: suite },
    );
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((feature) => [feature.file, feature.status]).sort()).toEqual(
      ODD_NAMES.map((file) => [file, 'passed']).sort(),
    );
    // Each report names its own file and no other, with both its scenarios.
    const merged = JSON.parse(await readFile(join(reportDir, 'cucumber.json'), 'utf8')) as {
      uri: string;
      name: string;
      elements: unknown[];
    }[];
    expect(merged.map((feature) => [feature.uri, feature.name, feature.elements.length]).sort()).toEqual(
      ODD_NAMES.map((file) => [file, file, 2]).sort(),
    );
    expect(summary.totals.scenarios.passed).toBe(2 * ODD_NAMES.length);
  });

  it('refuses a path cucumber-js cannot be given literally before any container starts: one line, exit 2', async () => {
    // Written after the image was built: the refusal must come before the image is even looked at.
    await writeFile(join(suite, 'features/back\\slash.feature'), twoScenarios('back slash'));
    const files = ['features/back\\slash.feature', 'features/b.feature'];
    const result = await runCli(
      ['cucumber', '--image', IMAGE, '--files', ...files, '--report-dir', scratch.reportDir()],
      { cwd: suite },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /"features\/back\\\\slash.feature" cannot be run as is: cucumber-js reads `\\` in a path as a folder separator; rename the file/,
    );
    expect(baleenContainers()).toEqual([]);
  });
});
