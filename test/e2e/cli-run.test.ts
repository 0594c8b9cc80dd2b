import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { RunSummary } from '../../src/reporters/summary.js';
import { BALEEN_BIN, runCli, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-e2e-');

async function baleen(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult & { reportDir: string }> {
  const reportDir = scratch.reportDir();
  const result = await runCli([...args, '--report-dir', reportDir], { cwd: FIXTURE_SUITE, ...(env ? { env } : {}) });
  return { ...result, reportDir };
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe('baleen cucumber on a real Docker engine', () => {
  it('runs passing, failing, unparsable and oddly named features, one container each, with correct reports', async () => {
    const files = [
      'features/pass.feature',
      'features/fail.feature',
      'features/parse-error.feature',
      'features/with space.feature',
      'features/café ünïcode.feature',
    ];
    const result = await baleen(['cucumber', '--image', TEST_IMAGE, '--files', ...files, '--concurrency', '3']);
    expect(result.code, result.stderr).toBe(1);

    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    const statusOf = Object.fromEntries(summary.features.map((f) => [f.file, f.status]));
    expect(statusOf).toEqual({
      'features/café ünïcode.feature': 'passed',
      'features/fail.feature': 'failed',
      'features/parse-error.feature': 'failed',
      'features/pass.feature': 'passed',
      'features/with space.feature': 'passed',
    });
    expect(summary.totals).toMatchObject({ features: 5, passed: 3, failed: 2, errors: 0 });
    // Each feature that ran names the machine that ran it: the engine's host (the unparsable one ran nowhere).
    const engineHost = spawnSync('docker', ['info', '--format', '{{.Name}}'], { encoding: 'utf8' }).stdout.trim();
    const ran = summary.features.filter((f) => f.file !== 'features/parse-error.feature');
    expect(new Set(ran.map((f) => f.node))).toEqual(new Set([engineHost]));
    expect(summary.features.find((f) => f.file === 'features/parse-error.feature')!.node).toBeUndefined();
    // The wrong sum; the unparsable feature has no scenario to count (its feature is failed).
    expect(summary.totals.scenarios.failed).toBe(1);
    expect(summary.totals.scenarios.passed).toBeGreaterThanOrEqual(5);
    const parseError = summary.features.find((f) => f.file === 'features/parse-error.feature')!;
    // Found by the client's parser: no container ran it, and the parser's line and message say why.
    expect(parseError.exitCode).toBeNull();
    expect(parseError.error).toMatch(
      /^Gherkin parse error at line 4: \(4:3\): expected: .*; found before any container started$/,
    );

    // The merged Cucumber JSON holds every feature under its path; the one that wrote no report is a failed
    // feature carrying its error.
    const merged = await readJson<
      { uri: string; elements: { name: string; steps: { result: { status: string; error_message?: string } }[] }[] }[]
    >(join(result.reportDir, 'cucumber.json'));
    expect(merged.map((f) => f.uri).sort()).toEqual([...files].sort());
    const unparsable = merged.find((f) => f.uri === 'features/parse-error.feature')!;
    expect(unparsable.elements.map((e) => e.name)).toEqual(['features/parse-error.feature (feature run)']);
    expect(unparsable.elements[0]!.steps[0]!.result).toMatchObject({
      status: 'failed',
      error_message: expect.stringContaining('Gherkin parse error at line 4'),
    });

    // JUnit: a testcase per scenario, the failure carrying the assertion; the unparsable feature is a failure too.
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      await readFile(join(result.reportDir, 'junit.xml'), 'utf8'),
    );
    const suites = [junit.testsuites.testsuite].flat() as { file: string; testcase: unknown }[];
    expect(suites).toHaveLength(5);
    const cases = suites.flatMap((s) => [s.testcase].flat()) as { name: string; failure?: { message: string } }[];
    const failures = cases.filter((c) => c.failure);
    expect(failures).toHaveLength(2);
    expect(junit.testsuites.failures).toBe('2');
    expect(failures.map((f) => f.failure!.message).join('\n')).toMatch(/Gherkin parse error at line 4/);

    // Each feature's output is kept in logs/; the unparsable one never ran, so its logs are empty.
    const logs = await readdir(join(result.reportDir, 'logs/features'));
    for (const stream of ['stdout', 'stderr']) {
      expect(await readFile(join(result.reportDir, `logs/features/parse-error.feature.${stream}.log`), 'utf8')).toBe(
        '',
      );
    }
    expect(logs).toContain('café ünïcode.feature.stdout.log');
    expect(logs).toContain('with space.feature.stdout.log');

    const html = await readFile(join(result.reportDir, 'index.html'), 'utf8');
    expect(html).toContain('a wrong sum');
    expect(html).toContain('features/parse-error.feature');

    // CI output: one plain line per finished feature, then the summary and the failure's output.
    expect(result.stdout).toMatch(/✓ PASS\s+features\/pass\.feature/);
    expect(result.stdout).toMatch(/✗ FAIL\s+features\/fail\.feature/);
    expect(result.stdout).toMatch(/FAILED features: 3 passed, 2 failed of 5/);
  });

  it('passes --env values and runs --before-command in the same shell first', async () => {
    const result = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/env.feature',
      'features/before.feature',
      '--env',
      'BALEEN_GREETING=hello world',
      '--before-command',
      'touch /tmp/baleen-before-marker',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    expect(summary.totals).toMatchObject({ features: 2, passed: 2 });
  });

  it('makes a failing --before-command an error for the feature and exits 1', async () => {
    const result = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--before-command',
      'echo preparing; exit 4',
    ]);
    expect(result.code).toBe(1);
    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    expect(summary.features[0]).toMatchObject({
      status: 'error',
      exitCode: 4,
      error: '--before-command failed with exit code 4',
    });
  });

  it("runs the command in --work-dir instead of the image's WORKDIR", async () => {
    const result = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--work-dir',
      '/tmp',
      '--command',
      'echo "in $(pwd)"; test "$(pwd)" = /tmp',
    ]);
    expect(result.code, result.stdout).toBe(0);
    expect(await readFile(join(result.reportDir, 'logs/features/pass.feature.stdout.log'), 'utf8')).toBe('in /tmp\n');
  });

  it("goes on to the end when the console's reader goes away (`| head -1`): reports written, containers removed, the real exit code", async () => {
    const reportDir = scratch.reportDir();
    const baleenCommand = [
      process.execPath,
      BALEEN_BIN,
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      'features/with space.feature',
      '--concurrency',
      '1',
      '--timings',
      scratch.path('pipe-timings.json'),
      '--report-dir',
      reportDir,
    ];
    // bash reports baleen's own exit code, not head's.
    const { status, stdout } = spawnSync(
      'bash',
      ['-c', '"$@" | head -1; exit "${PIPESTATUS[0]}"', 'pipe', ...baleenCommand],
      { cwd: FIXTURE_SUITE, encoding: 'utf8' },
    );
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    // A crash on the closed pipe would exit 1 (Node's uncaught error) and write no summary.
    expect(status).toBe(0);
    expect((await readJson<RunSummary>(join(reportDir, 'summary.json'))).totals).toMatchObject({
      features: 2,
      passed: 2,
    });
  });

  it('runs a named project from a project file', async () => {
    const config = scratch.path('baleen.yml');
    await writeFile(
      config,
      [
        'projects:',
        '  smoke:',
        `    image: ${TEST_IMAGE}`,
        '    files: [features/pass.feature, features/env.feature]',
        '    env:',
        '      BALEEN_GREETING: hello world',
        '    concurrency: 2',
        '',
      ].join('\n'),
    );
    const result = await baleen(['project', 'smoke', '--config', config]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((await readJson<RunSummary>(join(result.reportDir, 'summary.json'))).totals).toMatchObject({
      features: 2,
      passed: 2,
    });
  });
});

describe('bad input and infrastructure errors', () => {
  it.each([
    [['cucumber', '--image', TEST_IMAGE, '--files', 'features/', '--bogus'], 2, /unknown option '--bogus'/],
    [['cucumber', '--files', 'features/'], 2, /required option '--image <image>' not specified/],
    [
      ['cucumber', '--image', TEST_IMAGE, '--files', 'nothing-here/'],
      2,
      /no feature file matched --files nothing-here\//,
    ],
    [
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/', '--env', 'no-equals-sign!'],
      2,
      /--env "no-equals-sign!" is not KEY=VALUE/,
    ],
    [
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/', '--concurrency', '0'],
      2,
      /--concurrency must be a whole number/,
    ],
    [
      ['cucumber', '--image', 'baleen-no-such-image', '--files', 'features/pass.feature'],
      3,
      /image "baleen-no-such-image" is not on the Docker engine: build or load it first/,
    ],
    [
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--server', 'ws://127.0.0.1:1'],
      3,
      /cannot reach a baleen server at ws:\/\/127\.0\.0\.1:1/,
    ],
    [['project', 'nope', '--config', '/nonexistent.yml'], 2, /cannot read project file \/nonexistent\.yml/],
  ])('baleen %j exits %i with a one-line reason', async (args, code, message) => {
    const result = await baleen(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('prints help and version with exit 0', async () => {
    const help = await runCli(['cucumber', '--help'], { cwd: FIXTURE_SUITE });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--before-command');
    const version = await runCli(['--version'], { cwd: FIXTURE_SUITE });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
