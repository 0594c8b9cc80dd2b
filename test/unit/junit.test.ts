import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { junitXml } from '../../src/reporters/files/junit-xml.js';
import { parseFeature } from '../../src/gherkin/parse-feature.js';
import { lineagesOfPlans } from '../../src/reporters/files/scenario-lineage.js';
import { JunitReporter } from '../../src/reporters/files/junit-reporter.js';
import { junitSchemaErrors } from '../support/junit-schema.js';
import { featureResult, runOutcome, tail } from '../support/run-fixtures.js';

const step = (status: string, extra: Record<string, unknown> = {}) => ({
  keyword: 'Given ',
  name: `a ${status} step`,
  result: { status, duration: 1_000_000, ...extra },
});
const scenario = (name: string, line: number, ...statuses: string[]) => ({
  type: 'scenario',
  keyword: 'Scenario',
  name,
  line,
  steps: statuses.map((s) => step(s, s === 'failed' ? { error_message: `${name} broke` } : {})),
});
const result = (over: Partial<FeatureResult>): FeatureResult => featureResult({ durationMs: 1500, ...over });
const outcome = (results: FeatureResult[], unfinished: string[] = []) => runOutcome(results, unfinished);
const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) =>
      ['testsuite', 'testcase', 'flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'].includes(name),
  }).parse(xml);

const OUTLINE = `Feature: Eating
  Scenario Outline: Eating <n> cucumbers
    Given the number <n>

    Examples: These pass
      | n |
      | 1 |
      | 2 |

    Examples:
      | n |
      | 3 |

  Rule: Sharing
    Scenario Outline: Sharing
      Given the number <n>

      Examples: Friends
        | n |
        | 4 |
        | 4 |
`;

/** Every kind of testcase baleen writes, in one run. */
const everything = outcome(
  [
    result({
      file: 'features/mixed.feature',
      status: 'failed',
      exitCode: 1,
      node: 'node <1>',
      stdout: tail('out \x1b[31mred\x1b[0m\x07'),
      stderr: tail('err ]]> <&>'),
      cucumberJson: [
        {
          name: 'Mixed <&>',
          uri: 'features/mixed.feature',
          elements: [
            scenario('ok', 2, 'passed'),
            scenario('bad "quoted"', 5, 'passed', 'failed', 'skipped'),
            scenario('later', 9, 'skipped'),
          ],
        },
      ],
    }),
    result({
      file: 'features/broken.feature',
      status: 'failed',
      exitCode: 1,
      error: 'parse error (3:1): expected a step',
      stderr: tail('Parse error'),
    }),
    result({ file: 'features/down.feature', status: 'error', exitCode: null, error: 'could not create the container' }),
    result({
      file: 'features/flaky.feature',
      attempt: 3,
      flaky: true,
      previousAttempts: [
        {
          attempt: 1,
          status: 'failed',
          exitCode: 1,
          durationMs: 10,
          error: 'sometimes › Given a failed step: sometimes broke',
        },
        { attempt: 2, status: 'error', exitCode: null, durationMs: 10, error: 'timed out after 5s' },
      ],
      cucumberJson: [
        {
          name: 'Flaky',
          uri: 'features/flaky.feature',
          elements: [scenario('always', 2, 'passed'), scenario('sometimes', 4, 'passed')],
        },
      ],
    }),
    result({
      file: 'features/hard.feature',
      attempt: 2,
      status: 'failed',
      exitCode: 1,
      previousAttempts: [
        {
          attempt: 1,
          status: 'failed',
          exitCode: 1,
          durationMs: 10,
          error: 'never › Given a failed step: never broke',
        },
      ],
      cucumberJson: [{ name: 'Hard', uri: 'features/hard.feature', elements: [scenario('never', 2, 'failed')] }],
    }),
    result({
      file: 'features/cancelled.feature',
      status: 'cancelled',
      exitCode: null,
      error: 'the run was interrupted before it finished',
    }),
  ],
  ['features/never.feature'],
);

describe('junit.xml against the Jenkins xUnit plugin schema (junit-10.xsd)', () => {
  it('validates, with every kind of testcase in it', () => {
    expect(junitSchemaErrors(junitXml(everything))).toBe('');
  });

  it('is what xmllint refuses when it breaks the schema (the check can fail)', () => {
    const xml = junitXml(everything);
    expect(junitSchemaErrors(xml.replace('<testsuites ', '<testsuites skipped="1" '))).toMatch(/skipped.*not allowed/);
    expect(junitSchemaErrors(xml.replace('<testcase ', '<testcase line="3" '))).toMatch(/line.*not allowed/);
  });

  it('counts per testsuite and in total without a testsuites skipped attribute', () => {
    const { testsuites } = parse(junitXml(everything));
    expect(testsuites).toMatchObject({ tests: '10', failures: '3', errors: '1' });
    expect(
      testsuites.testsuite.map((s: Record<string, string>) => [s.file, s.tests, s.failures, s.errors, s.skipped]),
    ).toEqual([
      ['features/mixed.feature', '3', '1', '0', '1'],
      ['features/broken.feature', '1', '1', '0', '0'],
      ['features/down.feature', '1', '0', '1', '0'],
      ['features/flaky.feature', '2', '0', '0', '0'],
      ['features/hard.feature', '1', '1', '0', '0'],
      ['features/cancelled.feature', '1', '0', '0', '1'],
      ['features/never.feature', '1', '0', '0', '1'],
    ]);
    expect(testsuites.testsuite[0].hostname).toBe('node <1>');
  });

  it("gives a flaky scenario Surefire's flakyFailure/flakyError per failed attempt, one failed every time rerunFailure", () => {
    const suites = parse(junitXml(everything)).testsuites.testsuite;
    const [always, sometimes] = suites[3].testcase;
    // The timeout named no scenario, so every scenario ran again after it; the failure named "sometimes".
    expect(always.flakyFailure).toBeUndefined();
    expect(always.flakyError).toEqual([{ message: 'attempt 2: timed out after 5s', type: 'error' }]);
    expect(sometimes.flakyFailure).toEqual([
      { message: 'attempt 1: sometimes › Given a failed step: sometimes broke', type: 'failed' },
    ]);
    expect(sometimes.flakyError).toHaveLength(1);
    const [never] = suites[4].testcase;
    expect(never.failure.message).toBe('Given a failed step: never broke');
    expect(never.rerunFailure).toEqual([
      { message: 'attempt 1: never › Given a failed step: never broke', type: 'failed' },
    ]);
  });
});

describe('testcase names', () => {
  it('names Scenario Outline rows as Cucumber’s JUnit formatter does', () => {
    // The lineage travels on the plan read at the run's start: no feature file is read again at its end.
    const lineages = lineagesOfPlans([parseFeature('features/eating.feature', OUTLINE)]);
    const json = [
      {
        name: 'Eating',
        uri: 'features/eating.feature',
        elements: [
          scenario('Eating 1 cucumbers', 7, 'passed'),
          scenario('Eating 2 cucumbers', 8, 'passed'),
          scenario('Eating 3 cucumbers', 12, 'passed'),
          scenario('Sharing', 20, 'passed'),
          scenario('Sharing', 21, 'passed'),
        ],
      },
    ];
    const xml = junitXml(outcome([result({ file: 'features/eating.feature', cucumberJson: json })]), lineages);
    expect(parse(xml).testsuites.testsuite[0].testcase.map((c: { name: string }) => c.name)).toEqual([
      'Eating <n> cucumbers - These pass - #1.1: Eating 1 cucumbers',
      'Eating <n> cucumbers - These pass - #1.2: Eating 2 cucumbers',
      'Eating <n> cucumbers - #2.1: Eating 3 cucumbers',
      'Sharing - Sharing - Friends - #1.1',
      'Sharing - Sharing - Friends - #1.2',
    ]);
  });

  it("names rows from the run's plans, reading no feature file at the run's end", async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'baleen-junit-'));
    // No folder to read: only the lineage the plan carried can name the rows.
    const reporter = new JunitReporter({
      lineages: lineagesOfPlans([parseFeature('features/eating.feature', OUTLINE)]),
    });
    const json = [
      { name: 'Eating', uri: 'features/eating.feature', elements: [scenario('Eating 3 cucumbers', 12, 'passed')] },
    ];
    const ran = outcome([result({ file: 'features/eating.feature', cucumberJson: json })]);
    await reporter.onEnd({ ...ran, info: { ...ran.info, reportDir } });
    expect(parse(await readFile(join(reportDir, 'junit.xml'), 'utf8')).testsuites.testsuite[0].testcase[0].name).toBe(
      'Eating <n> cucumbers - #2.1: Eating 3 cucumbers',
    );
  });

  it('without plans (baleen merge), reads the feature files under the folder it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-junit-'));
    await mkdir(join(dir, 'features'));
    await writeFile(join(dir, 'features', 'eating.feature'), OUTLINE);
    const json = [
      { name: 'Eating', uri: 'features/eating.feature', elements: [scenario('Eating 3 cucumbers', 12, 'passed')] },
    ];
    const ran = outcome([result({ file: 'features/eating.feature', cucumberJson: json })]);
    await new JunitReporter({ readFrom: dir }).onEnd({ ...ran, info: { ...ran.info, reportDir: dir } });
    expect(parse(await readFile(join(dir, 'junit.xml'), 'utf8')).testsuites.testsuite[0].testcase[0].name).toBe(
      'Eating <n> cucumbers - #2.1: Eating 3 cucumbers',
    );
  });

  it('without the feature file, tells repeated names apart by their line', () => {
    const json = [
      {
        name: 'Eating',
        uri: 'features/gone.feature',
        elements: [
          scenario('Sharing', 21, 'passed'),
          scenario('Sharing', 22, 'passed'),
          scenario('Alone', 30, 'passed'),
        ],
      },
    ];
    const xml = junitXml(outcome([result({ file: 'features/gone.feature', cucumberJson: json })]));
    expect(parse(xml).testsuites.testsuite[0].testcase.map((c: { name: string }) => c.name)).toEqual([
      'Sharing (line 21)',
      'Sharing (line 22)',
      'Alone',
    ]);
  });
});
