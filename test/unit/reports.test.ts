import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cucumber-json/feature-report.js';
import {
  countScenarios,
  failedScenarios,
  headline,
  scenarioTotalsLine,
  scenariosOf,
} from '../../src/cucumber-json/scenarios.js';
import { CucumberJsonSchema } from '../../src/domain/cucumber-json.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { junitXml } from '../../src/reporters/files/junit-xml.js';
import { logPath } from '../../src/reporters/files/log-path.js';
import { summarize } from '../../src/reporters/summary.js';
import { featureResult, runOutcome, tail } from '../support/run-fixtures.js';
import { mergeReports } from '../../src/client/merge-reports.js';
import { ExitCode } from '../../src/errors/baleen-error.js';
import { ResultsJsonReporter } from '../../src/reporters/files/results-json.js';

const step = (status: string, extra: Record<string, unknown> = {}) => ({
  keyword: 'Given ',
  name: `a ${status} step`,
  result: { status, duration: 2_000_000_000, ...extra },
});
const report = [
  {
    name: 'Basket',
    uri: 'features/basket.feature',
    elements: [
      { type: 'background', name: '', steps: [step('passed')] },
      { type: 'scenario', name: 'adds', line: 5, steps: [step('passed')] },
      {
        type: 'scenario',
        name: 'breaks <&>',
        line: 9,
        steps: [
          step('passed'),
          step('failed', { error_message: 'AssertionError: 1 !== 2\n    at x' }),
          step('skipped'),
        ],
      },
      { type: 'scenario', name: 'undefined', line: 12, steps: [step('undefined')] },
    ],
  },
];
const result = (over: Partial<FeatureResult>): FeatureResult =>
  featureResult({
    file: 'features/basket.feature',
    status: 'failed',
    exitCode: 1,
    durationMs: 1500,
    stdout: tail('out \x1b[31mred\x1b[0m\x07'),
    cucumberJson: report,
    ...over,
  });
const outcome = (results: FeatureResult[], unfinished: string[] = []) => runOutcome(results, unfinished);

describe('reading Cucumber JSON', () => {
  it('refuses reports of the wrong shape and drops fields of the wrong type', () => {
    expect(CucumberJsonSchema.safeParse([{ elements: 1 }]).success).toBe(false);
    expect(CucumberJsonSchema.safeParse([{ elements: [null] }]).success).toBe(false);
    const parsed = CucumberJsonSchema.parse([
      {
        name: 3,
        extra: 'kept',
        elements: [{ steps: [{ keyword: 5, result: { status: 'failed', error_message: 7 } }] }],
      },
    ]);
    expect(parsed[0]).toMatchObject({ name: undefined, extra: 'kept' });
    expect(scenariosOf(parsed)[0]).toMatchObject({ status: 'failed', failure: { step: 'hook', message: 'failed' } });
  });

  it('counts scenarios, not backgrounds, an undefined one as undefined (it fails the run), as cucumber-js does', () => {
    expect(scenariosOf(report).map((s) => [s.name, s.status])).toEqual([
      ['adds', 'passed'],
      ['breaks <&>', 'failed'],
      ['undefined', 'undefined'],
    ]);
    expect(scenariosOf(report)[1]).toMatchObject({
      durationSeconds: 6,
      failure: { step: 'Given a failed step', message: 'AssertionError: 1 !== 2\n    at x' },
    });
    expect(countScenarios(report)).toEqual({
      failed: 1,
      ambiguous: 0,
      undefined: 1,
      pending: 0,
      skipped: 0,
      passed: 1,
      unknown: 0,
    });
    expect(failedScenarios(report).map((s) => s.name)).toEqual(['breaks <&>', 'undefined']);
    expect(scenarioTotalsLine(countScenarios(report))).toBe('3 scenarios (1 failed, 1 undefined, 1 passed)');
    expect(scenarioTotalsLine(countScenarios([]))).toBe('0 scenarios');
  });

  it('decides a scenario by its worst step, Backgrounds and hooks included, as Cucumber does', () => {
    const jvm = [
      {
        name: 'JVM',
        elements: [
          { type: 'background', steps: [step('failed', { error_message: 'no database' })] },
          { type: 'scenario', name: 'after a broken background', steps: [step('skipped')] },
          {
            type: 'scenario',
            name: 'with a pending after hook',
            steps: [step('passed')],
            after: [{ keyword: 'After', result: { status: 'pending' } }],
          },
          { type: 'scenario', name: 'one step skipped', steps: [step('passed'), step('skipped')] },
          { type: 'scenario', name: 'a step without a result', steps: [{ keyword: 'Given ', name: 'x' }] },
          { type: 'scenario', name: 'no steps', steps: [] },
          { type: 'scenario', name: 'ambiguous', steps: [step('ambiguous')] },
          {
            type: 'scenario',
            name: 'a failing hidden hook',
            steps: [
              { keyword: 'Before', hidden: true, result: { status: 'failed', error_message: 'hook broke' } },
              step('skipped'),
            ],
          },
        ],
      },
    ];
    expect(scenariosOf(CucumberJsonSchema.parse(jvm)).map((s) => [s.name, s.status, s.failure?.message])).toEqual([
      ['after a broken background', 'failed', 'no database'],
      ['with a pending after hook', 'pending', 'the step is pending'],
      ['one step skipped', 'skipped', undefined],
      // Never passed for what did not demonstrably pass: a step without a result leaves the scenario unknown.
      ['a step without a result', 'unknown', undefined],
      // cucumber-js: "1 scenario (1 unknown)".
      ['no steps', 'unknown', undefined],
      ['ambiguous', 'ambiguous', 'the step is ambiguous'],
      ['a failing hidden hook', 'failed', 'hook broke'],
    ]);
  });

  it('merges features in run order, a feature without a report as a failed feature carrying its error', () => {
    const other = { ...report[0], uri: 'features/other.feature' };
    const merged = runReport(
      outcome([
        result({}),
        result({ file: 'x', cucumberJson: null, error: 'parse error at line 3', stderr: tail('\x1b[31mboom\x1b[0m') }),
        result({ cucumberJson: [other] }),
      ]),
    );
    expect(merged.map((f) => f.uri)).toEqual(['features/basket.feature', 'x', 'features/other.feature']);
    expect(scenariosOf([merged[1]!])).toEqual([
      expect.objectContaining({
        name: 'x (feature run)',
        status: 'failed',
        featureRun: true,
        failure: expect.objectContaining({ message: 'parse error at line 3\n\nstderr (last lines):\nboom' }),
      }),
    ]);
  });
});

describe('a feature with no scenario to run (issue 18, item 11)', () => {
  it('holds no scenario in any report, not even a stand-in; one judged by its exit code alone keeps its stand-in', () => {
    const none = result({ file: 'features/background-only.feature', status: 'passed', exitCode: 0, cucumberJson: [] });
    const byExitCode = result({
      file: 'features/no-report.feature',
      status: 'passed',
      exitCode: 0,
      cucumberJson: null,
    });
    const merged = runReport(outcome([none, byExitCode]));
    expect(merged.map((feature) => feature.uri)).toEqual(['features/no-report.feature']);
    // The stand-in of a feature judged by its exit code is no scenario either: counted among the features only.
    expect(countScenarios(merged)).toMatchObject({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('failed scenarios and their errors, one reading for every failure list', () => {
  const report = [
    {
      name: 'F',
      uri: 'f.feature',
      elements: [
        {
          name: 'ok',
          type: 'scenario',
          line: 2,
          steps: [{ keyword: 'Given ', name: 'a', result: { status: 'passed' } }],
        },
        {
          name: 'broke',
          type: 'scenario',
          line: 5,
          steps: [{ keyword: 'Given ', name: 'b', result: { status: 'failed', error_message: 'boom' } }],
        },
        {
          name: 'f.feature (feature run)',
          id: 'baleen;feature-run',
          type: 'scenario',
          line: 1,
          steps: [{ keyword: 'baleen ', name: 'ran', result: { status: 'failed', error_message: 'crashed' } }],
        },
      ],
    },
  ];

  it("lists the failed scenarios with their failing step; baleen's stand-in only where a list asks for it", () => {
    expect(
      failedScenarios(report).map((scenario) => [scenario.line, scenario.failure.step, scenario.featureRun]),
    ).toEqual([
      [5, 'Given b', false],
      [1, 'baleen ran', true],
    ]);
    expect(failedScenarios(report, { standIn: false }).map((scenario) => scenario.name)).toEqual(['broke']);
  });

  it('cuts an error at its stack trace, which is indented: a line of the message that starts with "at" stays', () => {
    expect(headline('expected 3 items\nat least one was missing\n    at Object.<anonymous> (steps.js:4:9)')).toBe(
      'expected 3 items at least one was missing',
    );
  });
});

describe('junit.xml', () => {
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);

  it('has a testcase per scenario with escaped names and the failing step in the failure', () => {
    const xml = junitXml(outcome([result({})]));
    expect(xml).not.toContain('\x1b');
    const suite = parse(xml).testsuites.testsuite;
    expect(suite).toMatchObject({
      name: 'Basket',
      file: 'features/basket.feature',
      tests: '3',
      failures: '2',
      errors: '0',
    });
    expect(suite.testcase[1].name).toBe('breaks <&>');
    expect(suite.testcase[1].failure.message).toBe('Given a failed step: AssertionError: 1 !== 2');
    expect(suite['system-out']).toBe('out red');
  });

  it('turns a feature without a report into one failed or errored testcase carrying stderr', () => {
    const parsed = parse(
      junitXml(
        outcome(
          [
            result({
              file: 'features/broken.feature',
              cucumberJson: null,
              error: 'exited with code 1 without writing a Cucumber report',
              stderr: tail('Parse error at line 3'),
            }),
            result({
              file: 'features/down.feature',
              status: 'error',
              exitCode: null,
              cucumberJson: null,
              error: 'could not create the container',
            }),
          ],
          ['features/never.feature'],
        ),
      ),
    );
    const [broken, down, never] = parsed.testsuites.testsuite;
    expect(broken.testcase.failure).toMatchObject({
      message: 'exited with code 1 without writing a Cucumber report',
      '#text': expect.stringContaining('Parse error at line 3'),
    });
    expect(down.testcase.error.message).toBe('could not create the container');
    expect(never.testcase.skipped).toBeDefined();
    expect(never).toMatchObject({ tests: '1', skipped: '1' });
    // junit-10.xsd has no `skipped` on testsuites.
    expect(parsed.testsuites).toEqual(expect.objectContaining({ tests: '3', failures: '1', errors: '1' }));
    expect(parsed.testsuites).not.toHaveProperty('skipped');
  });
});

describe('where a feature ran', () => {
  it('is a suite property in junit.xml and a field in summary.json, beside the retries', () => {
    const ran = result({
      node: 'ci-node-3',
      attempt: 2,
      flaky: true,
      status: 'passed',
      previousAttempts: [{ attempt: 1, status: 'failed', exitCode: 1, durationMs: 10, error: 'boom' }],
    });
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitXml(outcome([ran])))
      .testsuites.testsuite;
    expect(suite.properties.property).toEqual([
      { name: 'baleen.node', value: 'ci-node-3' },
      { name: 'baleen.attempts', value: '2' },
      { name: 'baleen.flaky', value: 'true' },
      { name: 'baleen.attempt-1', value: 'failed: boom' },
    ]);
    expect(summarize(outcome([ran])).features[0]).toMatchObject({ node: 'ci-node-3' });
    expect(summarize(outcome([result({})])).features[0]).not.toHaveProperty('node');
  });
});

describe('summary', () => {
  it('lists every feature and totals them', () => {
    const summary = summarize(
      outcome(
        [result({}), result({ file: 'features/ok.feature', status: 'passed', exitCode: 0, cucumberJson: null })],
        ['features/never.feature'],
      ),
    );
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([
      ['features/basket.feature', 'failed'],
      ['features/ok.feature', 'passed'],
      ['features/never.feature', 'unfinished'],
    ]);
    expect(summary.totals).toEqual({
      features: 3,
      passed: 1,
      failed: 1,
      errors: 0,
      cancelled: 0,
      skipped: 0,
      unfinished: 1,
      flaky: 0,
      // The stand-ins of ok.feature (judged by its exit code) and of never.feature are no scenarios.
      scenarios: { failed: 1, ambiguous: 0, undefined: 1, pending: 0, skipped: 0, passed: 1, unknown: 0 },
    });
  });
});

describe('logPath', () => {
  it('keeps the feature tree but never climbs out of logs/', () => {
    expect(logPath('features/a b/café.feature', 1, 'stdout')).toBe('logs/features/a b/café.feature.stdout.log');
    expect(logPath('../../etc/passwd', 1, 'stderr')).toBe('logs/etc/passwd.stderr.log');
    expect(logPath('/abs/x.feature', 3, 'stdout')).toBe('logs/abs/x.feature.attempt-3.stdout.log');
  });

  it("names a scenario job's log (path:line) without a colon, which Windows and artifact uploaders refuse", () => {
    expect(logPath('features/a.feature:12', 1, 'stdout')).toBe('logs/features/a.feature.line-12.stdout.log');
    expect(logPath('features/a.feature:12', 2, 'stderr')).toBe('logs/features/a.feature.line-12.attempt-2.stderr.log');
  });

  it('shortens a name the suffix would push past 255 bytes, with a hash of the whole path, never splitting a character', () => {
    const long = `features/${'é'.repeat(120)}x.feature`; // 249 bytes: a legal file name
    const first = logPath(long, 12, 'stdout');
    const name = first.split('/').pop()!;
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^é+~[0-9a-f]{16}\.attempt-12\.stdout\.log$/);
    expect(logPath(long, 12, 'stderr')).toBe(first.replace('.stdout.log', '.stderr.log'));
    // Two names that differ only past the cut get different logs.
    expect(logPath(`features/${'é'.repeat(120)}y.feature`, 12, 'stdout')).not.toBe(first);
  });
});

describe('baleen merge', () => {
  it("holds a shard's `passed` to the one rule: a results.json that says passed beside a failed feature merges as failed, exit 1", async () => {
    const shard = await mkdtemp(join(tmpdir(), 'baleen-shard-'));
    const parseError = featureResult({
      file: 'features/broken.feature',
      status: 'failed',
      exitCode: null,
      error: 'Gherkin parse error at line 4',
    });
    // As a client before the rule wrote it: the server's `passed`, with a feature the client failed itself.
    const claimed = runOutcome([featureResult(), parseError], [], { status: 'passed' });
    await new ResultsJsonReporter().onEnd({ ...claimed, info: { ...claimed.info, reportDir: shard } });
    const out = new PassThrough();
    const target = join(shard, '..', `${basename(shard)}-merged`);
    const code = await mergeReports([shard], target, {
      cwd: tmpdir(),
      out: out as unknown as NodeJS.WriteStream,
      err: out as unknown as NodeJS.WriteStream,
    });
    expect(code).toBe(ExitCode.failed);
    expect(JSON.parse(await readFile(join(target, 'summary.json'), 'utf8'))).toMatchObject({ status: 'failed' });
  });
});
