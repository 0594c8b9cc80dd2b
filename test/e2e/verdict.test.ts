import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-verdict-');

async function baleen(args: string[]): Promise<CliResult & { summary: RunSummary }> {
  const reportDir = scratch.reportDir();
  const result = await runCli([...args, '--report-dir', reportDir], { cwd: FIXTURE_SUITE });
  const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
  return { ...result, summary };
}

const only = (summary: RunSummary) => {
  expect(summary.features).toHaveLength(1);
  return summary.features[0]!;
};

/**
 * A filter only the feature's container applies (BALEEN_FEATURE is set there, not where the image is asked
 * what cucumber-js with this command runs): the container runs less than cucumber-js would.
 */
const inContainerOnly = (option: string) => `cucumber-js {file} \${BALEEN_FEATURE:+${option}} --format json:{report}`;

// Each run below exits 0 in its container; before the pass rule each one was reported passed.
describe('a feature passes only when its report shows every scenario ran and passed', () => {
  it('makes a run that selects none of the scenarios an error, not a pass', async () => {
    const command = inContainerOnly('--name "no scenario is called this"');
    const { code, summary, stderr } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      command,
    ]);
    expect(code, stderr).toBe(1);
    expect(only(summary)).toMatchObject({
      status: 'error',
      exitCode: 0,
      error:
        'its Cucumber report does not name features/pass.feature, which holds 2 scenarios (it names no feature): nothing shows that it ran',
    });
  });

  it('makes a run that leaves some scenarios out an error naming their lines', { tags: ['podman'] }, async () => {
    const command = inContainerOnly('--name "one plus one"');
    const { code, summary } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      command,
    ]);
    expect(code).toBe(1);
    expect(only(summary)).toMatchObject({
      status: 'error',
      error: 'its Cucumber report lacks 1 of the 2 scenarios of features/pass.feature (line 7)',
    });
  });

  it('passes a dry run as cucumber-js does (skipped is no failure), and counts its scenarios skipped, not passed', async () => {
    const command = 'cucumber-js {file} --dry-run --format json:{report}';
    const { code, summary } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      command,
    ]);
    expect(code).toBe(0);
    expect(only(summary)).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(summary.totals.scenarios).toMatchObject({ passed: 0, skipped: 2 });
  });

  it('makes exit 0 without the report the template asks for an error', async () => {
    const { code, summary } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      'echo {file} {report}',
    ]);
    expect(code).toBe(1);
    expect(only(summary)).toMatchObject({
      status: 'error',
      exitCode: 0,
      error: expect.stringMatching(
        /^exited with code 0 without writing a Cucumber report to \/\S+: nothing shows that its scenarios ran$/,
      ),
    });
  });

  it('judges a template without {report} by its exit code alone, and says so', async () => {
    const { code, summary, stdout } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      'cucumber-js {file}',
    ]);
    expect(code).toBe(0);
    expect(only(summary).status).toBe('passed');
    expect(summary.judgedBy).toBe('exit code');
    expect(stdout).toMatch(/features were judged by their exit code alone: the command template has no \{report\}/);
    const judged = await baleen(['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature']);
    expect(judged.summary.judgedBy).toBe('report');
    expect(judged.stdout).not.toMatch(/exit code alone/);
  });

  it("fails a Gherkin parse error without a container: the parser's line and message, never retried, not even an image needed", async () => {
    // No such image: a run that needed a container would end in exit 3 "image … is not on the Docker engine".
    const { code, summary, stderr } = await baleen([
      'cucumber',
      '--image',
      'baleen-no-such-image',
      '--files',
      'features/parse-error.feature',
      '--retries',
      '2',
    ]);
    expect(code, stderr).toBe(1);
    expect(only(summary)).toMatchObject({
      status: 'failed',
      exitCode: null,
      attempts: 1,
      error: expect.stringMatching(
        /^Gherkin parse error at line 4: \(4:3\): expected: .*got 'This line is not a step and not a keyword'.*; found before any container started$/,
      ),
    });
  });

  it('fails the run when a parse error is its only failure: the server passed every feature it ran, the client did not', {
    tags: ['podman'],
  }, async () => {
    const { code, summary, stdout } = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      'features/parse-error.feature',
    ]);
    expect(code, stdout).toBe(1);
    expect(summary.status).toBe('failed');
    expect(summary.features.map((feature) => [feature.file, feature.status])).toEqual([
      ['features/parse-error.feature', 'failed'],
      ['features/pass.feature', 'passed'],
    ]);
    expect(stdout).toMatch(/FAILED features: 1 passed, 1 failed of 2/);
  });

  it('names a command missing from the image (127) or not executable (126)', async () => {
    const missing = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      'cukes {file} --format json:{report}',
    ]);
    expect(missing.code).toBe(1);
    expect(only(missing.summary)).toMatchObject({
      status: 'error',
      exitCode: 127,
      error: expect.stringMatching(
        /^`cukes` was not found in image baleen-test-runner: exit code 127 \(.*cukes: not found\); check the image and --command$/,
      ),
    });
    const denied = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--command',
      './features/pass.feature {file} {report}',
    ]);
    expect(only(denied.summary)).toMatchObject({
      status: 'error',
      exitCode: 126,
      error: expect.stringMatching(
        /^`\.\/features\/pass\.feature` is not executable in image baleen-test-runner: exit code 126/,
      ),
    });
  });

  it('agrees with cucumber-js in the image on what a feature holds: Backgrounds, Outline rows, Rules, Markdown', async () => {
    // Were the client's scenario lines not the ones cucumber-js reports, each of these would be an error.
    const shapes = [
      'Feature: Shapes',
      '  Background:',
      '    Given the number 1',
      '  Scenario: plain',
      '    Then the result is 1',
      '  Scenario Outline: add <n>',
      '    When I add <n>',
      '    Then the result is <sum>',
      '    Examples: small',
      '      | n | sum |',
      '      | 1 | 2   |',
      '      | 2 | 3   |',
      '    @big',
      '    Examples: big',
      '      | n   | sum |',
      '      | 100 | 101 |',
      '  Rule: a rule',
      '    Scenario: in the rule',
      '      Then the result is 1',
      '',
    ].join('\n');
    const markdown =
      '# Feature: In Markdown\n\nProse.\n\n## Scenario: from markdown\n\n* Given the number 2\n* When I add 2\n* Then the result is 4\n';
    const suite = scratch.path('shapes-suite');
    await buildSuiteImage(suite, 'baleen-test-shapes', {
      'features/shapes.feature': shapes,
      'features/docs.feature.md': markdown,
    });
    const reportDir = scratch.reportDir();
    const files = ['features/shapes.feature', 'features/docs.feature.md'];
    const result = await runCli(
      ['cucumber', '--image', 'baleen-test-shapes', '--files', ...files, '--report-dir', reportDir],
      { cwd: suite },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((feature) => [feature.file, feature.status])).toEqual([
      ['features/docs.feature.md', 'passed'],
      ['features/shapes.feature', 'passed'],
    ]);
    expect(summary.totals.scenarios).toMatchObject({ passed: 6, failed: 0 });
  });

  it('tells a feature the image holds in another version: an error saying to rebuild the image, never a pass', async () => {
    const suite = scratch.path('stale-suite');
    const feature = 'Feature: Stale\n  Scenario: one\n    Given the number 1\n    Then the result is 1\n';
    await buildSuiteImage(suite, 'baleen-test-stale', { 'features/stale.feature': feature });
    // The file changes here after the image was built: a comment line moves its scenario down by one.
    await writeFile(join(suite, 'features/stale.feature'), `# edited\n${feature}`);
    const reportDir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', 'baleen-test-stale', '--files', 'features/stale.feature', '--report-dir', reportDir],
      { cwd: suite },
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(only(summary)).toMatchObject({
      status: 'error',
      exitCode: null,
      error:
        "the image's copy of features/stale.feature differs from the local file: rebuild the image (it holds an older copy of the suite)",
    });
  });
});
