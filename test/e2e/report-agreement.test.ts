import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { launchChromium } from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { junitSchemaErrors } from '../support/junit-schema.js';
import { openOffline } from '../support/offline-browser.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-agreement-');

/**
 * One run with a step of every status (passed, failed, undefined, pending, ambiguous, skipped), a Scenario
 * Outline, a Gherkin parse error, a crash (the runner killed: no report) and a timeout; every report must
 * show the same features and scenarios with the same statuses, and count the scenarios as cucumber-js does.
 */
const REPORTED = ['features/statuses/every-status.feature', 'features/pass.feature'];
const FILES = [
  ...REPORTED,
  'features/parse-error.feature',
  'features/statuses/crash.feature',
  'features/statuses/timeout.feature',
];
// The parse error, the crash and the timeout: no report, each shown by baleen's stand-in, which is no scenario.
const STAND_INS = 3;
const FEATURES = { passed: 1, failed: 4, notRun: 0 };
// Long enough for every other feature to finish on a loaded machine (the budget runs from the container's
// creation); the hanging step outlives it.
const TIMEOUT = '90s';

type Counts = Record<'failed' | 'ambiguous' | 'undefined' | 'pending' | 'skipped' | 'passed' | 'unknown', number>;

/**
 * What cucumber-js itself says of the features that write a report, run in the image as it is: its summary
 * line ("10 scenarios (2 failed, 1 ambiguous, …)") and the counts in it. The reference, not a copy of baleen's.
 */
function cucumberJsSummary(): { line: string; counts: Counts } {
  const output = execFileSync(
    'docker',
    ['run', '--rm', '--entrypoint', 'sh', TEST_IMAGE, '-c', `cucumber-js ${REPORTED.join(' ')} || true`],
    { encoding: 'utf8' },
  );
  const line = /^\d+ scenarios? \(.*\)$/m.exec(output)?.[0];
  if (!line) throw new Error(`no summary line in cucumber-js's output:\n${output}`);
  const counts: Counts = { failed: 0, ambiguous: 0, undefined: 0, pending: 0, skipped: 0, passed: 0, unknown: 0 };
  for (const [, count, status] of line.matchAll(/(\d+) (\w+)/g))
    if (status! in counts) counts[status as keyof Counts] = Number(count);
  return { line, counts };
}
const failing = (counts: Counts) => counts.failed + counts.ambiguous + counts.undefined + counts.pending;
const total = (counts: Counts) => Object.values(counts).reduce((sum, count) => sum + count, 0);

interface JsonFeature {
  uri: string;
  elements: { type: string; name: string; steps: { result?: { status: string; error_message?: string } }[] }[];
}
interface Pie {
  failed: number;
  passed: number;
  notdefined: number;
  pending: number;
  skipped: number;
  ambiguous: number;
  rerun?: number;
}

let browser: Browser | undefined;
afterAll(() => browser?.close());

describe('every report tells the same story, and counts scenarios as cucumber-js does', () => {
  let reportDir: string;
  let stdout: string;
  let code: number | null;
  let reference: { line: string; counts: Counts };
  let stepSummary: string;
  /** The features in the run's order, which every report keeps. */
  let order: string[];
  it('runs the fixture suite, on GitHub Actions, and cucumber-js on the features that write a report', async () => {
    reference = cucumberJsSummary();
    // The reference has each status this test is about, and more than one scenario of some.
    expect(reference.counts).toMatchObject({ ambiguous: 1, undefined: 1, pending: 1, skipped: 1 });
    expect(reference.counts.failed).toBeGreaterThan(0);
    reportDir = scratch.reportDir();
    const summaryFile = scratch.path('step-summary.md');
    const result = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        ...FILES,
        '--concurrency',
        '5',
        '--timeout',
        TIMEOUT,
        '--report-dir',
        reportDir,
      ],
      {
        cwd: FIXTURE_SUITE,
        env: { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile, GITLAB_CI: '' },
      },
    );
    ({ stdout, code } = result);
    expect(code, result.stderr).toBe(1);
    stepSummary = await readFile(summaryFile, 'utf8');
  }, 300_000);

  it('summary.json: the features by their verdict, the scenarios as cucumber-js counts them', async () => {
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    order = summary.features.map((f) => f.file);
    expect([...order].sort()).toEqual([...FILES].sort());
    expect(Object.fromEntries(summary.features.map((f) => [f.file, f.status]))).toEqual({
      'features/statuses/every-status.feature': 'failed',
      'features/pass.feature': 'passed',
      'features/parse-error.feature': 'failed',
      'features/statuses/crash.feature': 'failed',
      'features/statuses/timeout.feature': 'error',
    });
    expect(summary.totals).toMatchObject({ features: 5, passed: FEATURES.passed, failed: 3, errors: 1 });
    expect(summary.totals.scenarios).toEqual(reference.counts);
  });

  it("the console: cucumber-js's own summary line, and the snippet of the undefined step", () => {
    expect(stdout).toContain(`FAILED features: ${FEATURES.passed} passed, 3 failed, 1 error of 5; ${reference.line};`);
    // The failure list: the undefined step with the snippet cucumber-js printed for it.
    expect(stdout).toMatch(
      /When nobody defined this step \(undefined\)\n\s+Undefined\. Implement with the following snippet:/,
    );
    expect(stdout).toContain("When('nobody defined this step', function () {");
    expect(stdout).toMatch(/When a step is pending \(pending\)/);
  });

  it("the CI step summary: each status's scenarios", () => {
    expect(stepSummary).toContain(`| passed | ${FEATURES.passed} | ${reference.counts.passed} |`);
    expect(stepSummary).toContain(`| failed | 3 | ${reference.counts.failed} |`);
    for (const status of ['ambiguous', 'undefined', 'pending'] as const)
      expect(stepSummary).toContain(`| ${status} | | ${reference.counts[status]} |`);
    expect(stepSummary).toContain(`| skipped | 0 | ${reference.counts.skipped} |`);
  });

  it('cucumber.json, a feature without a report included with its error', async () => {
    const features = JSON.parse(await readFile(join(reportDir, 'cucumber.json'), 'utf8')) as JsonFeature[];
    expect(features.map((f) => f.uri)).toEqual(order);
    const scenarios = features.flatMap((f) => f.elements.filter((e) => e.type !== 'background'));
    expect(scenarios).toHaveLength(total(reference.counts) + STAND_INS);
    const crash = features.find((f) => f.uri === 'features/statuses/crash.feature')!;
    expect(crash.elements[0]!.steps[0]!.result).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/137|killed|without writing a Cucumber report/),
    });
    const timeout = features.find((f) => f.uri === 'features/statuses/timeout.feature')!;
    expect(timeout.elements[0]!.steps[0]!.result?.error_message).toMatch(/timed out after 1m30s/);
    const parse = features.find((f) => f.uri === 'features/parse-error.feature')!;
    // The parser's complaint, with its line, from wherever it was found (the client or cucumber-js's stderr).
    expect(parse.elements[0]!.steps[0]!.result?.error_message).toMatch(/\(\d+:\d+\)|line \d+/);
  });

  it('junit.xml, valid against junit-10.xsd: a failure of the status cucumber-js gives, as its JUnit formatter writes it', async () => {
    const xml = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect(junitSchemaErrors(xml)).toBe('');
    const { testsuites } = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml);
    expect(testsuites.testsuite.map((s: { file: string }) => s.file)).toEqual(order);
    const sum = (key: string) =>
      testsuites.testsuite.reduce((acc: number, s: Record<string, string>) => acc + Number(s[key]), 0);
    // Every scenario is a testcase, and so is each stand-in: a feature without a report never vanishes from CI.
    expect({
      tests: Number(testsuites.tests),
      failures: Number(testsuites.failures) + Number(testsuites.errors),
      skipped: sum('skipped'),
    }).toEqual({
      tests: total(reference.counts) + STAND_INS,
      failures: failing(reference.counts) + STAND_INS,
      skipped: reference.counts.skipped + reference.counts.unknown,
    });
    // The timeout is baleen's error, not a failed test.
    expect(testsuites.errors).toBe('1');
    const everyStatus = testsuites.testsuite.find(
      (s: { file: string }) => s.file === 'features/statuses/every-status.feature',
    );
    const types = everyStatus.testcase.flatMap((c: { failure?: { type: string } }) =>
      c.failure ? [c.failure.type] : [],
    );
    expect(types.sort()).toEqual(
      [...Array<string>(reference.counts.failed).fill('failed'), 'ambiguous', 'undefined', 'pending'].sort(),
    );
    const outline = everyStatus.testcase
      .map((c: { name: string }) => c.name)
      .filter((name: string) => name.startsWith('adds'));
    expect(outline).toEqual(['adds <a> - small - #1.1: adds 1', 'adds <a> - small - #1.2: adds 2']);
  });

  it("index.html: the template's cards and pies, the features by baleen's verdict, those without a report with their error", async () => {
    const html = await readFile(join(reportDir, 'index.html'), 'utf8');
    const pies = [...html.matchAll(/drawChart\(\{\s*"title": "(\w+)",([^}]*)\}\)/g)].map(
      (m) => [m[1], JSON.parse(`{${m[2]}}`) as Pie] as const,
    );
    const pie = Object.fromEntries(pies);
    expect(pie.Features).toEqual({
      failed: FEATURES.failed,
      passed: FEATURES.passed,
      notdefined: 0,
      pending: 0,
      skipped: FEATURES.notRun,
      ambiguous: 0,
    });
    const { counts } = reference;
    expect(pie.Scenarios).toEqual({
      failed: counts.failed,
      passed: counts.passed,
      rerun: 0,
      notdefined: counts.undefined,
      pending: counts.pending,
      skipped: counts.skipped + counts.unknown,
      ambiguous: counts.ambiguous,
    });
    expect(html).toContain(`${reference.line};`);
    expect(html).toContain('features/statuses/crash.feature');
    expect(html).toMatch(/timed out after 1m30s/);
  });

  it('cucumber.html, drawn by the official formatter from a run that writes messages: the same counts', async () => {
    const messagesDir = scratch.reportDir();
    const run = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        ...REPORTED,
        '--command',
        'cucumber-js {file} --format message:{report}',
        '--report-dir',
        messagesDir,
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(run.code, run.stderr).toBe(1);
    const summary = JSON.parse(await readFile(join(messagesDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals.scenarios).toEqual(reference.counts);
    expect(run.stdout).toContain(`; ${reference.line};`);
    // The snippet comes from the messages' own suggestion.
    expect(run.stdout).toContain("When('nobody defined this step', function () {");
    browser = await launchChromium();
    const view = await openOffline(browser, join(messagesDir, 'cucumber.html'));
    const text = await view.page.locator('body').innerText();
    // Its status bar: "PASSED 4 SKIPPED 1 PENDING 1 UNDEFINED 1 AMBIGUOUS 1 FAILED 2".
    for (const status of ['failed', 'ambiguous', 'undefined', 'pending', 'skipped', 'passed'] as const)
      expect(text).toMatch(new RegExp(`\\b${status}\\s*${reference.counts[status]}\\b`, 'i'));
  }, 300_000);
});
