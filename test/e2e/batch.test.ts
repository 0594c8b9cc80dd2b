import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { CliProcess, runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { baleenServices } from '../support/swarm.js';

const scratch = useScratch('baleen-batch-');

const FOUR = [
  'features/fail.feature',
  'features/pass.feature',
  'features/with space.feature',
  'features/café ünïcode.feature',
];
const summaryOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const byFile = (summary: RunSummary) => Object.fromEntries(summary.features.map((feature) => [feature.file, feature]));
const statusesOf = (summary: RunSummary) =>
  Object.fromEntries(summary.features.map((feature) => [feature.file, feature.status]));
/** Each container prints its hostname (its id) first: features that print the same one shared a container. */
const TAGGED = 'echo "container $(hostname)"; cucumber-js {files} --format json:{report}';
const containerOf = async (dir: string, file: string, log = 'stdout.log') =>
  /container (\w+)/.exec(await readFile(join(dir, 'logs', `${file}.${log}`), 'utf8'))?.[1];
/** The statuses of FOUR when fail.feature failed, café ünïcode passed, and pass and with space ended as `others`. */
const fourEndedWith = (others: string) => ({
  'features/fail.feature': 'failed',
  'features/pass.feature': others,
  'features/with space.feature': others,
  'features/café ünïcode.feature': 'passed',
});
/** Where the summary says a feature's output is: its own log, or its batch's. */
const stdoutLogOf = (summary: RunSummary, file: string) => byFile(summary)[file]!.logs!.stdout;

/** Every promise below holds on one engine and on a swarm alike (the global set-up makes the engine a swarm). */
const RUNTIMES = ['docker', 'swarm'] as const;
/** Nothing of baleen's left: no container, and on a swarm no service either. */
const leftovers = () => [...baleenContainers(), ...baleenServices()];

describe.each(RUNTIMES)('--batch on %s', (runtime) => {
  /** Each run with a timing history of its own (none yet): the features are queued in name order. */
  async function baleen(args: string[]) {
    const dir = scratch.reportDir();
    const timings = ['--timings', join(scratch.dir, `timings-${Math.random().toString(36).slice(2)}.json`)];
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--report-dir', dir, ...timings, '--runtime', runtime, ...args],
      { cwd: FIXTURE_SUITE },
    );
    return { ...result, dir, summary: await summaryOf(dir) };
  }

  it('runs the features in batches of N, one container each, and splits the report back per feature', async () => {
    const { code, dir, summary } = await baleen([
      '--files',
      ...FOUR,
      '--batch',
      '2',
      '--concurrency',
      '2',
      '--command',
      TAGGED,
    ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual(fourEndedWith('passed'));
    // In name order: café ünïcode and fail share one container, pass and with space the other. Each batch's
    // output is logged once, as its first feature's; the other feature's log names it, and so does the summary.
    const [firstLog, secondLog] = [
      'logs/features/café ünïcode.feature.stdout.log',
      'logs/features/pass.feature.stdout.log',
    ];
    expect(FOUR.map((file) => stdoutLogOf(summary, file))).toEqual([firstLog, secondLog, secondLog, firstLog]);
    expect(await readFile(join(dir, 'logs/features/fail.feature.stdout.log'), 'utf8')).toBe(
      `baleen: this feature ran in a batch; the batch's stdout is in ${firstLog}\n`,
    );
    expect(await readFile(join(dir, 'logs/features/with space.feature.stderr.log'), 'utf8')).toBe(
      `baleen: this feature ran in a batch; the batch's stderr is in logs/features/pass.feature.stderr.log\n`,
    );
    const batchOutputs = await Promise.all([firstLog, secondLog].map((log) => readFile(join(dir, log), 'utf8')));
    for (const output of batchOutputs) expect(output.match(/^container \w+$/gm)).toHaveLength(1);
    const containers = await Promise.all(
      ['features/café ünïcode.feature', 'features/pass.feature'].map((file) => containerOf(dir, file)),
    );
    expect(new Set(containers).size).toBe(2);
    // The failed feature's error is its own failing step, not its batch's exit code.
    expect(byFile(summary)['features/fail.feature']!.error).toMatch(/expected|Assertion|fail/i);
    // One entry per feature in the merged report, each feature with its own scenarios only.
    const merged = JSON.parse(await readFile(join(dir, 'cucumber.json'), 'utf8')) as CucumberJson;
    expect(merged.map((feature) => feature.uri).sort()).toEqual([...FOUR].sort());
    for (const feature of summary.features) expect(feature.durationMs).toBeGreaterThan(0);
    expect(leftovers()).toEqual([]);
  });

  it("--collect brings a batch's files back once, under its first feature, and the others say where", async () => {
    const writes =
      'set -- {files}; mkdir -p shots; for f in "$@"; do echo "$f" > "shots/$(basename "$f").txt"; done; cucumber-js "$@" --format json:{report}';
    const { code, dir, summary } = await baleen([
      '--files',
      ...FOUR.slice(1, 3),
      '--batch',
      '2',
      '--collect',
      'shots/',
      '--command',
      writes,
    ]);
    expect(code).toBe(0);
    const shots = join(dir, 'artifacts/features/pass.feature/shots');
    expect(await readFile(join(shots, 'pass.feature.txt'), 'utf8')).toBe('./features/pass.feature\n');
    expect(await readFile(join(shots, 'with space.feature.txt'), 'utf8')).toBe('./features/with space.feature\n');
    expect(byFile(summary)['features/pass.feature']!.artifacts).toEqual({
      dir: 'artifacts/features/pass.feature/',
      files: 2,
    });
    expect(byFile(summary)['features/with space.feature']!.artifacts).toEqual({
      dir: 'artifacts/features/pass.feature/',
      files: 0,
      note: "collected once for its batch: see features/pass.feature's files",
    });
    await expect(readdir(join(dir, 'artifacts/features'))).resolves.toEqual(['pass.feature']);
  });

  it('makes every feature of a batch that crashed an error naming the batch', async () => {
    const crash = ': {files} {report}; exit 139';
    const { code, summary } = await baleen(['--files', ...FOUR.slice(1, 3), '--batch', '2', '--command', crash]);
    expect(code).toBe(1);
    expect(summary.features).toHaveLength(2); // the loop below would pass on none
    for (const feature of summary.features) {
      expect(feature.status).toBe('error');
      expect(feature.error).toBe(
        'in its batch of 2 features (features/pass.feature, features/with space.feature): exited with code 139 without writing a Cucumber report to /tmp/baleen/cucumber-report.json (a crash or an error before any scenario ran: see its stderr)',
      );
    }
  });

  it('--retries re-runs each failed feature of a batch alone, in a fresh container', async () => {
    // The batch crashes whenever it holds more than one feature; alone, each feature passes.
    const crashesInABatch =
      'set -- {files}; echo "container $(hostname)"; if [ $# -gt 1 ]; then exit 139; fi; cucumber-js "$@" --format json:{report}';
    const { code, dir, summary } = await baleen([
      '--files',
      ...FOUR.slice(1),
      '--batch',
      '3',
      '--retries',
      '1',
      '--command',
      crashesInABatch,
    ]);
    expect(code).toBe(0);
    expect(summary.features).toHaveLength(3); // the loop below would pass on none
    for (const feature of summary.features) {
      expect(feature).toMatchObject({ status: 'passed', flaky: true });
      expect(feature.previousAttempts).toEqual([expect.objectContaining({ status: 'error' })]);
    }
    const retriedIn = await Promise.all(FOUR.slice(1).map((file) => containerOf(dir, file, 'attempt-2.stdout.log')));
    expect(new Set(retriedIn).size).toBe(3);
  });

  it('--fail-fast: a failure in a batch skips the batches not started', async () => {
    // Name order: [café ünïcode, fail] runs first, alone (--concurrency 1); [pass, with space] never starts.
    const { code, summary } = await baleen(['--files', ...FOUR, '--batch', '2', '--concurrency', '1', '--fail-fast']);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual(fourEndedWith('skipped'));
  });

  it('--timeout stops the batch and makes each of its features an error naming the batch', async () => {
    const hang = ': {files} {report}; exec sleep 600';
    // The budget runs from the container's creation: it must leave room for the container (on a swarm, the task
    // to be scheduled) to start on a busy machine (see faults.test.ts); 2 s on the engine failed once with two
    // test files running at once at load 18.
    const seconds = runtime === 'swarm' ? 10 : 5;
    const { code, summary } = await baleen([
      '--files',
      ...FOUR.slice(1, 3),
      '--batch',
      '2',
      '--timeout',
      `${seconds}s`,
      '--stop-grace',
      '1s',
      '--command',
      hang,
    ]);
    expect(code).toBe(1);
    expect(summary.features).toHaveLength(2); // the loop below would pass on none
    for (const feature of summary.features) {
      expect(feature).toMatchObject({
        status: 'error',
        error: `in its batch of 2 features (features/pass.feature, features/with space.feature): timed out after ${seconds}.0s`,
      });
    }
    expect(leftovers()).toEqual([]);
  });

  it('Ctrl-C cancels every feature of a running batch and leaves no container', async () => {
    const dir = scratch.reportDir();
    const hang = 'set -- {files}; echo "started $#"; : {report}; exec sleep 600';
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        ...FOUR.slice(1, 3),
        '--batch',
        '2',
        '--command',
        hang,
        '--verbose',
        '--report-dir',
        dir,
        '--runtime',
        runtime,
      ],
      { cwd: FIXTURE_SUITE },
    );
    await client.waitFor(/started 2/);
    expect(baleenContainers()).toHaveLength(1);
    if (runtime === 'swarm') expect(baleenServices()).toHaveLength(1);
    const result = await client.stop('SIGINT');
    expect(result.code, result.stderr).toBe(130);
    expect(leftovers()).toEqual([]);
    expect(Object.values(statusesOf(await summaryOf(dir)))).toEqual(['cancelled', 'cancelled']);
  });
});

describe('--batch', () => {
  it('refuses {file} in a batch command with a usage error, before any container', async () => {
    const dir = scratch.reportDir();
    const result = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--report-dir',
        dir,
        '--files',
        ...FOUR.slice(1, 3),
        '--batch',
        '2',
        '--command',
        'cucumber-js {file} --format json:{report}',
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('put {files} in --command');
    expect(leftovers()).toEqual([]);
  });
});
