import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { runCli } from '../support/cli.js';
import { byFile, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-rerun-');
const IMAGE = 'baleen-test-rerun';
let suite = '';

// Line numbers matter: the tests select scenarios by them. Failing: line 7, and the outline's row at line 20.
const CHECKOUT = [
  'Feature: Checkout',
  '  Scenario: pays',
  '    Given the number 1',
  '    When I add 1',
  '    Then the result is 2',
  '',
  '  Scenario: adds wrongly',
  '    Given the number 2',
  '    When I add 2',
  '    Then the result is 5',
  '',
  '  Scenario Outline: adds one to <a>',
  '    Given the number <a>',
  '    When I add 1',
  '    Then the result is <b>',
  '',
  '    Examples:',
  '      | a | b |',
  '      | 1 | 2 |',
  '      | 2 | 4 |',
  '',
].join('\n');

const one = (name: string, result: number) =>
  [
    `Feature: ${name}`,
    '  Scenario: one plus one',
    '    Given the number 1',
    '    When I add 1',
    `    Then the result is ${result}`,
    '',
  ].join('\n');

beforeAll(async () => {
  suite = scratch.path('suite');
  await buildSuiteImage(suite, IMAGE, {
    'features/checkout.feature': CHECKOUT,
    'features/ok.feature': one('Ok', 2),
    'features/other.feature': one('Other', 3),
  });
  await writeFile(
    join(suite, 'baleen.yml'),
    `projects:\n  suite:\n    image: ${IMAGE}\n    files: [features/]\n    work_dir: /suite\n`,
  );
});

const run = (...args: string[]) => runCli(args, { cwd: suite });
const cucumber = (reportDir: string, ...args: string[]) =>
  run('cucumber', '--image', IMAGE, '--report-dir', reportDir, ...args);

/** The scenario lines each feature's Cucumber JSON holds: what ran. */
async function linesRan(reportDir: string): Promise<Record<string, number[]>> {
  const report = JSON.parse(await readFile(join(reportDir, 'cucumber.json'), 'utf8')) as CucumberJson;
  return Object.fromEntries(
    report.map((feature) => [feature.uri, (feature.elements ?? []).flatMap((element) => element.line ?? [])]),
  );
}

describe('--files path:LINE', () => {
  it('runs only the scenarios at those lines, as cucumber-js and Playwright take them', async () => {
    const reportDir = scratch.reportDir();
    const result = await cucumber(reportDir, '--files', 'features/checkout.feature:7', 'features/ok.feature');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(await linesRan(reportDir)).toEqual({ 'features/checkout.feature': [7], 'features/ok.feature': [2] });
    const summary = await summaryOf(reportDir);
    expect(byFile(summary)['features/checkout.feature']?.status).toBe('failed');
    expect(summary.totals.scenarios).toMatchObject({ passed: 1, failed: 1 });

    // Several lines, an outline's own line selecting each of its rows.
    const both = scratch.reportDir();
    const two = await cucumber(both, '--files', 'features/checkout.feature:2:12');
    expect(two.code, two.stdout + two.stderr).toBe(1);
    expect(await linesRan(both)).toEqual({ 'features/checkout.feature': [2, 19, 20] });
  });

  it('refuses a line that holds no scenario, naming the scenario it falls in', async () => {
    const result = await cucumber(scratch.reportDir(), '--files', 'features/checkout.feature:9');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'baleen: --files features/checkout.feature:9: no scenario starts at line 9 of features/checkout.feature: did you mean features/checkout.feature:7 ("adds wrongly")? its scenarios start at lines 2, 7, 12 (Examples rows at 19, 20)',
    ]);
  });
});

describe('@rerun.txt and --last-failed', () => {
  it('writes what failed as cucumber-js writes a rerun file, and cucumber-js reads it back with @', async () => {
    const reportDir = scratch.reportDir();
    const result = await cucumber(reportDir, '--files', 'features/');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const rerun = await readFile(join(reportDir, '@rerun.txt'), 'utf8');
    expect(rerun).toBe('features/checkout.feature:7:20\nfeatures/other.feature:2\n');

    // cucumber-js itself, in the runner image: `cucumber-js baleen-report/@rerun.txt` runs exactly those.
    const cucumberJs = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '-i',
        IMAGE,
        'sh',
        '-c',
        'mkdir -p r && cat > r/@rerun.txt && cucumber-js r/@rerun.txt --format json',
      ],
      { input: rerun, encoding: 'utf8' },
    );
    expect(cucumberJs.status, cucumberJs.stderr).toBe(1); // they fail again
    const ran = (JSON.parse(cucumberJs.stdout) as CucumberJson).map((feature) => [
      feature.uri,
      (feature.elements ?? []).map((element) => element.line),
    ]);
    expect(ran).toEqual([
      ['features/checkout.feature', [7, 20]],
      ['features/other.feature', [2]],
    ]);
  });

  it('reruns only the features that failed in the last run of the report dir, then says when nothing is left', async () => {
    const reportDir = scratch.reportDir();
    expect((await cucumber(reportDir, '--files', 'features/')).code).toBe(1);
    const again = await cucumber(reportDir, '--files', 'features/', '--last-failed');
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain(
      `baleen: --last-failed: 2 of 3 features failed in the last run (${join(reportDir, '@rerun.txt')}); running them`,
    );
    expect(Object.keys(byFile(await summaryOf(reportDir)))).toEqual([
      'features/checkout.feature',
      'features/other.feature',
    ]);
    // Feature by feature: the whole of checkout.feature runs again.
    expect((await linesRan(reportDir))['features/checkout.feature']).toEqual([2, 7, 19, 20]);

    // A report dir whose last run passed: one line, exit 0, and its report is left as it was.
    const green = scratch.reportDir();
    expect((await cucumber(green, '--files', 'features/ok.feature')).code).toBe(0);
    const before = await readFile(join(green, 'summary.json'), 'utf8');
    const nothing = await cucumber(green, '--files', 'features/', '--last-failed');
    expect(nothing.code, nothing.stdout + nothing.stderr).toBe(0);
    expect(nothing.stdout.trim()).toBe(
      `baleen: --last-failed: nothing failed in the last run (${join(green, '@rerun.txt')} is empty); nothing to rerun`,
    );
    expect(await readFile(join(green, 'summary.json'), 'utf8')).toBe(before);

    // No earlier run there at all: a usage error that says what to do.
    const none = await cucumber(scratch.reportDir(), '--files', 'features/', '--last-failed');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^baleen: --last-failed found no earlier run: .*@rerun\.txt does not exist: run once without --last-failed, or name a rerun file with --last-run FILE\n$/,
    );
  });

  it('with --split scenarios reruns only the scenarios that failed', async () => {
    const reportDir = scratch.reportDir();
    expect((await cucumber(reportDir, '--files', 'features/')).code).toBe(1);
    const again = await cucumber(reportDir, '--files', 'features/', '--last-failed', '--split', 'scenarios');
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(await linesRan(reportDir)).toEqual({ 'features/checkout.feature': [7, 20], 'features/other.feature': [2] });
    const summary = await summaryOf(reportDir);
    expect(byFile(summary)['features/checkout.feature']?.scenarios?.map((scenario) => scenario.line)).toEqual([7, 20]);
  });

  it('works on a project too, and takes a rerun file of its own (--last-run FILE) and --files path:LINE', async () => {
    const reportDir = scratch.reportDir();
    expect((await run('project', 'suite', '--report-dir', reportDir)).code).toBe(1);
    const again = await run('project', 'suite', '--report-dir', reportDir, '--last-failed');
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(Object.keys(await linesRan(reportDir))).toEqual(['features/checkout.feature', 'features/other.feature']);

    const rerunFile = scratch.path('my-rerun.txt');
    await writeFile(rerunFile, 'features/other.feature:2\n');
    const own = scratch.reportDir();
    const fromFile = await run('project', 'suite', '--report-dir', own, '--last-run', rerunFile);
    expect(fromFile.code, fromFile.stdout + fromFile.stderr).toBe(1);
    expect(await linesRan(own)).toEqual({ 'features/other.feature': [2] });

    const lines = scratch.reportDir();
    const byLine = await run('project', 'suite', '--report-dir', lines, '--files', 'features/checkout.feature:2');
    expect(byLine.code, byLine.stdout + byLine.stderr).toBe(0);
    expect(await linesRan(lines)).toEqual({ 'features/checkout.feature': [2] });
  });
});
