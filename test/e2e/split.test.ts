import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CliProcess, runCli } from '../support/cli.js';
import { baleenContainers, runningBaleenContainers } from '../support/docker.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-split-');
const IMAGE = 'baleen-test-split';
let suite = '';

/** Line numbers below are those of this text: the test names each scenario by them. */
const LONG = [
  'Feature: Long', //                  1
  '', //                               2
  '  Background:', //                  3
  '    Given the number 1', //         4
  '', //                               5
  '  @smoke', //                       6
  '  Scenario: first', //              7
  '    When I add 1', //               8
  '    Then the result is 2', //       9
  '', //                              10
  '  Scenario: broken', //            11
  '    When I add 1', //              12
  '    Then the result is 3', //      13
  '', //                              14
  '  Scenario: third', //             15
  '    When I add 2', //              16
  '    Then the result is 3', //      17
  '', //                              18
  '  Scenario Outline: sums', //      19
  '    When I add <n>', //            20
  '    Then the result is <sum>', //  21
  '', //                              22
  '    Examples:', //                 23
  '      | n | sum |', //             24
  '      | 1 | 2   |', //             25
  '      | 2 | 3   |', //             26
  '',
].join('\n');
const LONG_LINES = [7, 11, 15, 25, 26];
const SHORT = ['Feature: Short', '  Scenario: only', '    Given the number 1', '    Then the result is 1', ''].join(
  '\n',
);

/** Each container prints its hostname (its id) first: scenarios that print different ones ran in different containers. */
const TAGGED = 'echo "container $(hostname)"; cucumber-js {file}{tags} --format json:{report}';
const hostOf = async (dir: string, log: string) => /container (\w+)/.exec(await readFile(join(dir, log), 'utf8'))?.[1];
const json = async <T>(dir: string, file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')) as T;

beforeAll(async () => {
  suite = scratch.path('suite');
  await buildSuiteImage(suite, IMAGE, {
    'features/long.feature': LONG,
    'features/short.feature': SHORT,
    'features/odd[1].feature': SHORT,
  });
});

async function baleen(args: string[]) {
  const dir = scratch.reportDir();
  const timings = ['--timings', join(scratch.dir, `timings-${Math.random().toString(36).slice(2)}.json`)];
  const result = await runCli(['cucumber', '--image', IMAGE, '--report-dir', dir, ...timings, ...args], { cwd: suite });
  return { ...result, dir };
}

describe('--split scenarios', () => {
  it('runs each scenario and Examples row in its own container, retries only the failed one, and reports each feature once', async () => {
    const { code, dir, stderr, stdout } = await baleen([
      '--files',
      'features/long.feature',
      'features/short.feature',
      '--split',
      'scenarios',
      '--retries',
      '1',
      '--concurrency',
      '3',
      '--command',
      TAGGED,
    ]);
    expect(code, stderr).toBe(1);
    // The CI log counts features, each one's scenarios indented under it, the retried one by its last attempt.
    expect(stdout).toContain('baleen: 2 features split into 6 scenario jobs');
    expect(stdout).toMatch(
      /^\[\d\/2\] ✗ FAIL +features\/long\.feature \(.*\n {4}✓ PASS +features\/long\.feature:7 \(/m,
    );
    expect(stdout).toMatch(/^ {4}✗ FAIL +features\/long\.feature:11 \([^)]*, attempt 2\) — /m);
    expect(stdout).toMatch(
      /^\[\d\/2\] ✓ PASS +features\/short\.feature \(.*\n {4}✓ PASS +features\/short\.feature:2 \(/m,
    );
    // One container per scenario: six first attempts, six hostnames.
    const names = [
      ...LONG_LINES.map((line) => `logs/features/long.feature.line-${line}.stdout.log`),
      'logs/features/short.feature.line-2.stdout.log',
    ];
    const hosts = await Promise.all(names.map((name) => hostOf(dir, name)));
    expect(hosts.every((host) => host !== undefined)).toBe(true);
    expect(new Set(hosts).size).toBe(6);
    // Only the broken scenario ran again, in a seventh container.
    const logs = await readdir(join(dir, 'logs', 'features'));
    expect(logs.filter((name) => name.includes('.attempt-2.')).sort()).toEqual([
      'long.feature.line-11.attempt-2.stderr.log',
      'long.feature.line-11.attempt-2.stdout.log',
    ]);
    // No log name holds a `:` (Windows and CI artifact uploaders refuse it).
    expect(logs.filter((name) => name.includes(':'))).toEqual([]);
    const retryHost = await hostOf(dir, 'logs/features/long.feature.line-11.attempt-2.stdout.log');
    expect(hosts).not.toContain(retryHost);

    // summary.json: one entry per feature, with its scenarios.
    const summary = await json<RunSummary>(dir, 'summary.json');
    expect(summary.features.map((feature) => [feature.file, feature.status])).toEqual([
      ['features/long.feature', 'failed'],
      ['features/short.feature', 'passed'],
    ]);
    const long = summary.features[0]!;
    expect(long.error).toMatch(/^features\/long\.feature:11: /);
    expect(long.scenarios!.map((scenario) => [scenario.line, scenario.status, scenario.attempts])).toEqual([
      [7, 'passed', 1],
      [11, 'failed', 2],
      [15, 'passed', 1],
      [25, 'passed', 1],
      [26, 'passed', 1],
    ]);
    expect(summary.totals.scenarios).toMatchObject({ passed: 5, failed: 1 });
    // Each scenario's logs in summary.json are the files written: the retried one's its last attempt's.
    expect(long.scenarios![1]!.logs).toEqual({
      stdout: 'logs/features/long.feature.line-11.attempt-2.stdout.log',
      stderr: 'logs/features/long.feature.line-11.attempt-2.stderr.log',
    });
    for (const scenario of long.scenarios!) expect(await hostOf(dir, scenario.logs.stdout)).toBeDefined();

    // cucumber.json: one feature element per feature, holding all its scenarios in file order.
    const cucumber = await json<CucumberJson>(dir, 'cucumber.json');
    expect(cucumber.map((feature) => feature.uri)).toEqual(['features/long.feature', 'features/short.feature']);
    expect(
      cucumber[0]!.elements!.filter((element) => element.type === 'scenario').map((element) => element.line),
    ).toEqual(LONG_LINES);

    // junit.xml: one testsuite per feature, a testcase per scenario.
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    const suites = [...junit.matchAll(/<testsuite [^>]*\bfile="([^"]+)"[\s\S]*?<\/testsuite>/g)];
    expect(suites.map((match) => match[1])).toEqual(['features/long.feature', 'features/short.feature']);
    expect(suites[0]![0].match(/<testcase /g)).toHaveLength(5);
    // The retry concerns the broken scenario alone: its testcase has the earlier failure, no other has one.
    const testcases = suites[0]![0].split('<testcase ').slice(1);
    const rerun = testcases
      .filter((testcase) => testcase.includes('<rerunFailure'))
      .map((testcase) => /\bname="([^"]+)"/.exec(testcase)?.[1]);
    expect(rerun).toEqual(['broken']);

    // results.json: each scenario job's container times and slot, for the run's timeline.
    const results = (await json<{ results: FeatureResult[] }>(dir, 'results.json')).results;
    const jobs = results.find((result) => result.file === 'features/long.feature')!.scenarioJobs!;
    expect(jobs.map((job) => job.line)).toEqual(LONG_LINES);
    for (const job of jobs) {
      expect(job.containerEndedAt!).toBeGreaterThanOrEqual(job.containerStartedAt!);
      expect(job.slot).toBeLessThan(3);
    }
    expect(baleenContainers()).toEqual([]);
  });

  it("records each scenario's duration under path:line in the timing history", async () => {
    const timings = join(scratch.dir, 'split-timings.json');
    const dir = scratch.reportDir();
    const result = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--report-dir',
        dir,
        '--timings',
        timings,
        '--files',
        'features/short.feature',
        '--split',
        'scenarios',
      ],
      { cwd: suite },
    );
    expect(result.code, result.stderr).toBe(0);
    const history = await json<{ features: Record<string, unknown[]> }>(scratch.dir, 'split-timings.json');
    expect(Object.keys(history.features).sort()).toEqual(['features/short.feature', 'features/short.feature:2']);
  });

  it('with --tags, starts containers for the selected scenarios only', async () => {
    const { code, dir, stderr } = await baleen([
      '--files',
      'features/long.feature',
      '--split',
      'scenarios',
      '--tags',
      '@smoke',
      '--command',
      TAGGED,
    ]);
    expect(code, stderr).toBe(0);
    expect((await readdir(join(dir, 'logs', 'features'))).sort()).toEqual([
      'long.feature.line-7.stderr.log',
      'long.feature.line-7.stdout.log',
    ]);
    const summary = await json<RunSummary>(dir, 'summary.json');
    expect(summary.features[0]!.scenarios!.map((scenario) => [scenario.line, scenario.status])).toEqual([
      [7, 'passed'],
    ]);
  });

  it("expects only what the command's cucumber-js runs: --name in --command selects one scenario, split into one job", async () => {
    // --name selects only "first": cucumber-js with this command runs that scenario alone, and passes.
    const onlyFirst = 'cucumber-js {file} --name "^first$" --format json:{report}';
    const { code, dir, stdout } = await baleen([
      '--files',
      'features/long.feature',
      '--split',
      'scenarios',
      '--command',
      onlyFirst,
    ]);
    expect(code, stdout).toBe(0);
    const long = (await json<RunSummary>(dir, 'summary.json')).features[0]!;
    expect(long.status).toBe('passed');
    expect(long.scenarios!.map((scenario) => [scenario.line, scenario.status])).toEqual([[7, 'passed']]);
  });

  it('is strict: a scenario job whose runner ran no scenario at its line is an error, not passed', async () => {
    // Without the image's answer (BALEEN_PROBE=off) every scenario the parser finds is a job; --name lets only
    // "first" run: every other job runs nothing and exits 0.
    const onlyFirst = 'cucumber-js {file} --name "^first$" --format json:{report}';
    const dir = scratch.reportDir();
    const { code } = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--report-dir',
        dir,
        '--files',
        'features/long.feature',
        '--split',
        'scenarios',
        '--command',
        onlyFirst,
      ],
      { cwd: suite, env: { BALEEN_PROBE: 'off' } },
    );
    expect(code).toBe(1);
    const long = (await json<RunSummary>(dir, 'summary.json')).features[0]!;
    expect(long.status).toBe('error');
    expect(long.scenarios!.map((scenario) => scenario.status)).toEqual(['passed', 'error', 'error', 'error', 'error']);
    expect(long.scenarios![1]!.error).toMatch(/does not name features\/long\.feature|names no scenario/);
  });

  it("with Cucumber Messages, writes one stream where the feature's document and pickles appear once and each scenario's test case points at one", async () => {
    const { code, dir, stderr } = await baleen([
      '--files',
      'features/long.feature',
      '--split',
      'scenarios',
      '--command',
      'cucumber-js {file} --format message:{report}',
    ]);
    expect(code, stderr).toBe(1);
    const envelopes = (await readFile(join(dir, 'messages.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, { id: string; pickleId: string; location?: { line: number } }>);
    const of = (kind: string) => envelopes.filter((envelope) => kind in envelope).map((envelope) => envelope[kind]!);
    expect(of('gherkinDocument')).toHaveLength(1);
    const pickles = new Map(of('pickle').map((pickle) => [pickle.id, pickle.location?.line]));
    expect(
      of('testCase')
        .map((testCase) => pickles.get(testCase.pickleId))
        .sort((a, b) => a! - b!),
    ).toEqual(LONG_LINES);
  });

  it('splits a feature over warm workers too (--isolation worker): each scenario a request, the feature reassembled', async () => {
    const { code, dir, stderr } = await baleen([
      '--files',
      'features/long.feature',
      '--split',
      'scenarios',
      '--isolation',
      'worker',
      '--concurrency',
      '2',
    ]);
    expect(code, stderr).toBe(1);
    const long = (await json<RunSummary>(dir, 'summary.json')).features[0]!;
    expect(long.scenarios!.map((scenario) => [scenario.line, scenario.status])).toEqual([
      [7, 'passed'],
      [11, 'failed'],
      [15, 'passed'],
      [25, 'passed'],
      [26, 'passed'],
    ]);
    const cucumber = await json<CucumberJson>(dir, 'cucumber.json');
    expect(cucumber[0]!.elements!.map((element) => element.line)).toEqual(LONG_LINES);
    expect(baleenContainers()).toEqual([]);
  });

  it('Ctrl-C cancels every running scenario, settles the feature cancelled, and leaves no container', async () => {
    const dir = scratch.reportDir();
    const hang = 'echo "started $BALEEN_LINE"; : {file} {report}; exec sleep 600';
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/long.feature',
        '--split',
        'scenarios',
        '--concurrency',
        '2',
        '--command',
        hang,
        '--verbose',
        '--report-dir',
        dir,
      ],
      { cwd: suite },
    );
    await client.waitFor(/started \d+[\s\S]*started \d+/);
    // Two run; the next two are made, waiting for their slots, and go with the rest.
    expect(runningBaleenContainers()).toHaveLength(2);
    const result = await client.stop('SIGINT');
    expect(result.code, result.stderr).toBe(130);
    expect(baleenContainers()).toEqual([]);
    const long = (await json<RunSummary>(dir, 'summary.json')).features[0]!;
    expect(long.status).toBe('cancelled');
    expect(long.scenarios!.map((scenario) => scenario.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('refuses --batch, and a path cucumber-js would not apply a line to, with one line at exit 2 and no container', async () => {
    const batch = await baleen(['--files', 'features/short.feature', '--split', 'scenarios', '--batch', '2']);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain(
      '--split scenarios runs one scenario per container and --batch several features per container: use one of them',
    );
    const odd = await baleen(['--files', 'features/odd[1].feature', '--split', 'scenarios']);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain(
      '"features/odd[1].feature" cannot be split into scenarios: cucumber-js ignores `:LINE`',
    );
    const unknown = await baleen(['--files', 'features/short.feature', '--split', 'rows']);
    expect(unknown.code).toBe(2);
    expect(baleenContainers()).toEqual([]);
  });
});
