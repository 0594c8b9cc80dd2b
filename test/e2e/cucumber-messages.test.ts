import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-messages-');
const MESSAGES = 'cucumber-js {file} --format message:{report}';

async function run(cwd: string, image: string, files: string[], command: string) {
  const reportDir = scratch.reportDir();
  const result = await runCli(
    ['cucumber', '--image', image, '--files', ...files, '--command', command, '--report-dir', reportDir],
    { cwd },
  );
  const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
  return { ...result, summary, reportDir };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const envelopes = async (reportDir: string) =>
  (await readFile(join(reportDir, 'messages.ndjson'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);

describe('a suite that reports in Cucumber Messages', () => {
  it('is judged by the same rule as Cucumber JSON, merged into messages.ndjson and drawn as cucumber.html', async () => {
    const files = ['features/fail.feature', 'features/pass.feature'];
    const messages = await run(FIXTURE_SUITE, TEST_IMAGE, files, MESSAGES);
    const json = await run(FIXTURE_SUITE, TEST_IMAGE, files, 'cucumber-js {file} --format json:{report}');
    expect(messages.code, messages.stderr).toBe(1);
    const statuses = (summary: RunSummary) =>
      summary.features.map((feature) => [feature.file, feature.status, feature.error]);
    expect(statuses(messages.summary)).toEqual([
      ['features/fail.feature', 'failed', expect.stringMatching(/^a wrong sum › Then the result is 5: AssertionError/)],
      ['features/pass.feature', 'passed', undefined],
    ]);
    // The same scenarios, with the same results, as the run that wrote Cucumber JSON.
    expect(messages.summary.totals.scenarios).toMatchObject({ passed: 3, failed: 1, skipped: 0, undefined: 0 });
    expect(messages.summary.totals.scenarios).toEqual(json.summary.totals.scenarios);
    const report = JSON.parse(await readFile(join(messages.reportDir, 'cucumber.json'), 'utf8')) as Array<{
      uri: string;
      elements: Array<{
        name: string;
        line: number;
        steps: Array<{ name: string; result?: { status: string; error_message?: string } }>;
      }>;
    }>;
    const wrong = report
      .find((feature) => feature.uri === 'features/fail.feature')!
      .elements.find((element) => element.name === 'a wrong sum')!;
    expect(wrong.line).toBe(7);
    expect(wrong.steps.at(-1)).toMatchObject({
      name: 'the result is 5',
      result: { status: 'failed', error_message: expect.stringContaining('5') },
    });

    const merged = await envelopes(messages.reportDir);
    expect(merged.filter((envelope) => envelope.meta)).toHaveLength(1);
    expect(merged.filter((envelope) => envelope.testRunStarted)).toHaveLength(1);
    expect(
      merged.filter((envelope) => envelope.testRunFinished).map((envelope) => envelope.testRunFinished.success),
    ).toEqual([false]);
    expect(
      merged
        .filter((envelope) => envelope.gherkinDocument)
        .map((envelope) => envelope.gherkinDocument.uri)
        .sort(),
    ).toEqual(files);
    expect(merged.filter((envelope) => envelope.testCaseFinished)).toHaveLength(4);
    const html = await readFile(join(messages.reportDir, 'cucumber.html'), 'utf8');
    // The official formatter's page: its script inlined (offline), the run's messages in it.
    expect(html).toContain('window.CUCUMBER_MESSAGES');
    expect(html).toContain('a wrong sum');
    expect(html).not.toMatch(/<script[^>]+src=/);
    // Runs that write Cucumber JSON keep the JSON path alone.
    expect(await exists(join(json.reportDir, 'messages.ndjson'))).toBe(false);
    expect(await exists(join(json.reportDir, 'cucumber.html'))).toBe(false);
  });

  it('holds the pass rule: a dry run reported in messages passes with its scenarios skipped (as cucumber-js has it), and Outline rows, Backgrounds and Rules are found at their lines', async () => {
    const dry = await run(
      FIXTURE_SUITE,
      TEST_IMAGE,
      ['features/pass.feature'],
      'cucumber-js {file} --dry-run --format message:{report}',
    );
    expect(dry.code).toBe(0);
    expect(dry.summary.features[0]).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(dry.summary.totals.scenarios).toMatchObject({ passed: 0, skipped: 2 });

    const shapes = [
      'Feature: Shapes',
      '  Background:',
      '    Given the number 1',
      '  Scenario Outline: add <n>',
      '    When I add <n>',
      '    Then the result is <sum>',
      '    Examples:',
      '      | n | sum |',
      '      | 1 | 2   |',
      '      | 2 | 3   |',
      '  Rule: a rule',
      '    Scenario: in the rule',
      '      Then the result is 1',
      '',
    ].join('\n');
    const suite = scratch.path('shapes-suite');
    await buildSuiteImage(suite, 'baleen-test-messages-shapes', { 'features/shapes.feature': shapes });
    const passed = await run(suite, 'baleen-test-messages-shapes', ['features/shapes.feature'], MESSAGES);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.summary.totals.scenarios).toMatchObject({ passed: 3, failed: 0, skipped: 0, unknown: 0 });
    const report = JSON.parse(await readFile(join(passed.reportDir, 'cucumber.json'), 'utf8')) as Array<{
      elements: Array<{ line: number; steps: unknown[] }>;
    }>;
    expect(report[0]!.elements.map((element) => element.line)).toEqual([9, 10, 12]);
  });
});
