import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { junitSchemaErrors } from '../support/junit-schema.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-agreement-');

/**
 * One run with a step of every status (passed, failed, undefined, pending, ambiguous, skipped), a Scenario
 * Outline, a Gherkin parse error, a crash (the runner killed: no report) and a timeout; every report must
 * show the same features and scenarios with the same statuses.
 */
const FILES = [
  'features/statuses/every-status.feature',
  'features/pass.feature',
  'features/parse-error.feature',
  'features/statuses/crash.feature',
  'features/statuses/timeout.feature',
];
// every-status: passes and outline row 1 pass; fails, undefined, pending, ambiguous and outline row 2 fail;
// "is skipped" is skipped. pass: 2 passed. The parse error, the crash and the timeout: one failed scenario each.
const FEATURES = { passed: 1, failed: 4, notRun: 0 };
// Long enough for every other feature to finish on a loaded machine (the budget runs from the container's
// creation); the hanging step outlives it.
const TIMEOUT = '90s';
const SCENARIOS = { passed: 4, failed: 8, skipped: 1 };

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

describe('every report tells the same story', () => {
  let reportDir: string;
  let stdout: string;
  let code: number | null;
  /** The features in the run's order, which every report keeps. */
  let order: string[];
  it('runs the fixture suite', async () => {
    reportDir = scratch.reportDir();
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
      { cwd: FIXTURE_SUITE },
    );
    ({ stdout, code } = result);
    expect(code, result.stderr).toBe(1);
  }, 300_000);

  it('summary.json', async () => {
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
    expect(summary.totals).toMatchObject({
      features: 5,
      passed: FEATURES.passed,
      failed: 3,
      errors: 1,
      scenarios: SCENARIOS,
    });
  });

  it('the console', () => {
    expect(stdout).toMatch(
      new RegExp(
        `FAILED features: ${FEATURES.passed} passed, 3 failed, 1 error of 5; scenarios: ${SCENARIOS.passed} passed, ${SCENARIOS.failed} failed, ${SCENARIOS.skipped} skipped;`,
      ),
    );
  });

  it('cucumber.json, a feature without a report included with its error', async () => {
    const features = JSON.parse(await readFile(join(reportDir, 'cucumber.json'), 'utf8')) as JsonFeature[];
    expect(features.map((f) => f.uri)).toEqual(order);
    const scenarios = features.flatMap((f) => f.elements.filter((e) => e.type !== 'background'));
    expect(scenarios).toHaveLength(SCENARIOS.passed + SCENARIOS.failed + SCENARIOS.skipped);
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

  it('junit.xml, valid against junit-10.xsd', async () => {
    const xml = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect(junitSchemaErrors(xml)).toBe('');
    const { testsuites } = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml);
    expect(testsuites.testsuite.map((s: { file: string }) => s.file)).toEqual(order);
    const total = (key: string) =>
      testsuites.testsuite.reduce((sum: number, s: Record<string, string>) => sum + Number(s[key]), 0);
    expect({
      tests: Number(testsuites.tests),
      failures: Number(testsuites.failures) + Number(testsuites.errors),
      skipped: total('skipped'),
    }).toEqual({
      tests: SCENARIOS.passed + SCENARIOS.failed + SCENARIOS.skipped,
      failures: SCENARIOS.failed,
      skipped: SCENARIOS.skipped,
    });
    // The timeout is baleen's error, not a failed test.
    expect(testsuites.errors).toBe('1');
    const everyStatus = testsuites.testsuite.find(
      (s: { file: string }) => s.file === 'features/statuses/every-status.feature',
    );
    const outline = everyStatus.testcase
      .map((c: { name: string }) => c.name)
      .filter((name: string) => name.startsWith('adds'));
    expect(outline).toEqual(['adds <a> - small - #1.1: adds 1', 'adds <a> - small - #1.2: adds 2']);
  });

  it("the HTML report's pies, and the features without a report in it with their error", async () => {
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
    expect(pie.Scenarios).toEqual({
      failed: SCENARIOS.failed,
      passed: SCENARIOS.passed,
      rerun: 0,
      notdefined: 0,
      pending: 0,
      skipped: SCENARIOS.skipped,
      ambiguous: 0,
    });
    expect(html).toContain('features/statuses/crash.feature (feature run)');
    expect(html).toMatch(/timed out after 1m30s/);
  });
});
