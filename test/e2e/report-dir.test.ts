import { execFileSync, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { cp, lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CliProcess, runCli, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { junitSchemaErrors } from '../support/junit-schema.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-report-dir-');
const MANIFEST = '.baleen-manifest.json';

/** The fixture suite copied, so that the folder a run starts in (and `--report-dir .`) is the test's own. */
let suite = '';
beforeAll(async () => {
  suite = scratch.path('suite');
  await cp(join(FIXTURE_SUITE, 'features'), join(suite, 'features'), { recursive: true });
});

const PASS = ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--concurrency', '1'];

function baleen(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCli(args, { cwd: suite, ...(env ? { env } : {}) });
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** Containers of baleen's that the engine created since `since`: proof that a refusal came before any. */
function containersCreatedSince(since: Date): string[] {
  const until = new Date(Date.now() + 1000);
  const out = execFileSync(
    'docker',
    [
      'events',
      '--since',
      since.toISOString(),
      '--until',
      until.toISOString(),
      '--filter',
      'type=container',
      '--filter',
      'event=create',
      '--filter',
      'label=io.baleen.managed=true',
      '--format',
      '{{.ID}}',
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

/** A user's folder: files baleen must neither delete nor overwrite. */
async function usersFolder(dir: string): Promise<Record<string, string>> {
  const files = { 'logs/app.log': 'the app log\n', 'index.html': '<h1>my site</h1>\n' };
  await mkdir(join(dir, 'logs'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return files;
}

async function expectFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) expect(await readFile(join(dir, name), 'utf8')).toBe(text);
}

describe("the report dir is the user's", () => {
  it('refuses a non-empty folder baleen did not write, at once: one line, exit 2, nothing deleted or overwritten', async () => {
    const dir = scratch.path('users-folder');
    const files = await usersFolder(dir);
    const since = new Date();
    const result = await baleen([...PASS, '--report-dir', dir]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /--report-dir .*users-folder holds files baleen did not write \(it has no \.baleen-manifest\.json\)/,
    );
    await expectFiles(dir, files);
    expect(await readdir(dir)).toEqual(['index.html', 'logs']);
    expect(containersCreatedSince(since)).toEqual([]);
  });

  it('refuses `--report-dir .` in a project folder: its logs/ and files stay', async () => {
    const files = await usersFolder(suite);
    const result = await baleen([...PASS, '--report-dir', '.']);
    expect(result.code, result.stderr).toBe(2);
    await expectFiles(suite, files);
    expect((await readdir(suite)).sort()).toEqual(['features', 'index.html', 'logs']);
  });

  it("replaces only what its manifest lists: a second run clears the first run's files and keeps the user's", async () => {
    const dir = scratch.path('two-runs');
    const first = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      'features/fail.feature',
      '--report-dir',
      dir,
    ]);
    expect(first.code, first.stderr).toBe(1);
    expect((await readJson<{ entries: string[] }>(join(dir, MANIFEST))).entries).toEqual([
      '@rerun.txt',
      'cucumber.json',
      'index.html',
      'junit.xml',
      'logs',
      'results.json',
      'summary.json',
    ]);
    await writeFile(join(dir, 'notes.txt'), 'mine\n');

    const second = await baleen([...PASS, '--report-dir', dir]);
    expect(second.code, second.stderr).toBe(0);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect((await readJson<RunSummary>(join(dir, 'summary.json'))).features.map((f) => f.file)).toEqual([
      'features/pass.feature',
    ]);
    // The first run's log of a feature the second did not run went with the first run's report.
    expect(await readdir(join(dir, 'logs/features'))).toEqual(['pass.feature.stderr.log', 'pass.feature.stdout.log']);
    // No staging or set-aside folder is left.
    expect((await readdir(dir)).sort()).toEqual([
      MANIFEST,
      '@rerun.txt',
      'cucumber.json',
      'index.html',
      'junit.xml',
      'logs',
      'notes.txt',
      'results.json',
      'summary.json',
    ]);
  });

  it('refuses a folder with a manifest when a file baleen would write is not in it', async () => {
    const dir = scratch.path('foreign-name');
    expect((await baleen([...PASS, '--report-dir', dir])).code).toBe(0);
    const manifest = await readJson<{ entries: string[] }>(join(dir, MANIFEST));
    await writeFile(
      join(dir, MANIFEST),
      JSON.stringify({ ...manifest, entries: manifest.entries.filter((e) => e !== 'index.html') }),
    );
    await writeFile(join(dir, 'index.html'), '<h1>mine now</h1>\n');
    const result = await baleen([...PASS, '--report-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/index\.html was not written by baleen/);
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe('<h1>mine now</h1>\n');
  });

  it('writes nothing through a symlink planted in the report dir', async () => {
    const dir = scratch.path('planted');
    expect((await baleen([...PASS, '--report-dir', dir])).code).toBe(0);
    const victim = scratch.path('victim.txt');
    await writeFile(victim, 'precious\n');
    await mkdir(scratch.path('victim-dir'));
    // The previous report's files swapped for links, and links under the temporary names a writer might use.
    for (const name of ['index.html', 'summary.json', 'junit.xml']) {
      await rm(join(dir, name));
      await symlink(victim, join(dir, name));
    }
    await rm(join(dir, 'logs'), { recursive: true });
    await symlink(scratch.path('victim-dir'), join(dir, 'logs'));
    const run = new CliProcess([...PASS, '--report-dir', dir], { cwd: suite });
    for (const name of ['index.html', 'summary.json', 'junit.xml', 'cucumber.json', 'results.json']) {
      await symlink(victim, join(dir, `${name}.${run.child.pid}.tmp`));
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect(await readdir(scratch.path('victim-dir'))).toEqual([]);
    for (const name of ['index.html', 'summary.json', 'junit.xml', 'logs'])
      expect((await lstat(join(dir, name))).isSymbolicLink()).toBe(false);
    expect((await readJson<RunSummary>(join(dir, 'summary.json'))).totals.passed).toBe(1);
  });

  it('a run that cannot start replaces the previous report with one that says why (summary.json, junit.xml), exit 3', async () => {
    const dir = scratch.path('failed-start');
    expect((await baleen([...PASS, '--report-dir', dir])).code).toBe(0);
    const result = await baleen([
      'cucumber',
      '--image',
      'baleen-no-such-image',
      '--files',
      'features/pass.feature',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const summary = await readJson<RunSummary & { error: { code: string; message: string } }>(
      join(dir, 'summary.json'),
    );
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringMatching(/image "baleen-no-such-image" is not on the Docker engine/),
    });
    expect(summary.features).toEqual([
      expect.objectContaining({ file: 'features/pass.feature', status: 'unfinished' }),
    ]);
    const junitText = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junitSchemaErrors(junitText)).toBe('');
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitText);
    expect(junit.testsuites).toMatchObject({ tests: '1', errors: '1' });
    expect(junit.testsuites.testsuite.testcase.error.message).toMatch(/baleen-no-such-image/);
    // The passing report of the run before is gone: CI must not publish it as this run's.
    expect((await readdir(dir)).sort()).toEqual([MANIFEST, '@rerun.txt', 'junit.xml', 'summary.json']);
  });

  it('an unreachable engine still leaves a report, and one line on stderr', async () => {
    const dir = scratch.path('no-engine');
    const result = await baleen([...PASS, '--report-dir', dir], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect((await readJson<{ error: { code: string } }>(join(dir, 'summary.json'))).error.code).toBe(
      'DOCKER_UNREACHABLE',
    );
  });

  it('an unwritable report dir is found before any container starts: one line, exit 3', async () => {
    const since = new Date();
    // Root may write anywhere its mode bits forbid; sysfs refuses even root a new folder.
    const result = await baleen([...PASS, '--report-dir', '/sys/baleen-report']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /cannot write the report dir \/sys\/baleen-report: .*: make it writable, or name another --report-dir/,
    );
    expect(containersCreatedSince(since)).toEqual([]);
  });

  it("one run at a time: a second run into a report dir being written is refused (exit 2), a dead run's claim is taken over", async () => {
    const dir = scratch.path('busy');
    const first = new CliProcess(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--command',
        'sleep 5',
        '--report-dir',
        dir,
      ],
      { cwd: suite },
    );
    // The run prints its header once its report dir is claimed and it has started; it then runs for 5 s.
    await first.waitFor(/1 features? on baleen-test-runner/);
    const second = await baleen([...PASS, '--report-dir', dir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(
        `--report-dir .*busy is being written by baleen process ${first.child.pid} on .*: give each run its own --report-dir`,
      ),
    );
    expect((await first.done).code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([
      MANIFEST,
      '@rerun.txt',
      'cucumber.json',
      'index.html',
      'junit.xml',
      'logs',
      'results.json',
      'summary.json',
    ]);

    // A run killed before its end left its claim: the process is gone, so the next run takes it over.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, '.baleen-lock'), JSON.stringify({ pid: gone, host: hostname() }));
    expect((await baleen([...PASS, '--report-dir', dir])).code).toBe(0);
    expect(await readdir(dir)).not.toContain('.baleen-lock');
  });

  it("baleen merge obeys the same rules: a user's folder is refused, its own report replaced", async () => {
    const source = scratch.path('merge-source');
    expect((await baleen([...PASS, '--report-dir', source])).code).toBe(0);
    const users = scratch.path('merge-users');
    const files = await usersFolder(users);
    const refused = await baleen(['merge', source, '--report-dir', users]);
    expect(refused.code).toBe(2);
    await expectFiles(users, files);

    const target = scratch.path('merge-target');
    for (let i = 0; i < 2; i++) expect((await baleen(['merge', source, '--report-dir', target])).code).toBe(0);
    expect((await readdir(target)).sort()).toEqual([
      MANIFEST,
      '@rerun.txt',
      'cucumber.json',
      'index.html',
      'junit.xml',
      'logs',
      'results.json',
      'summary.json',
    ]);
    expect(await readFile(join(target, 'logs/features/pass.feature.stdout.log'), 'utf8')).toBe(
      await readFile(join(source, 'logs/features/pass.feature.stdout.log'), 'utf8'),
    );
  });
});

describe('a feature name near the file-name limit', () => {
  it('passes, its logs under a shortened name, the real name in summary.json', async () => {
    // 254 bytes: a legal name, which `.stdout.log` would push past the 255-byte limit.
    const file = `features/${'a-feature-with-a-very-long-name-'.repeat(8).slice(0, 246)}.feature`;
    await writeFile(join(suite, file), await readFile(join(suite, 'features/pass.feature'), 'utf8'));
    const dir = scratch.path('long-name');
    // The image does not hold this file: the command only proves it ran, by its exit code.
    const result = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      file,
      '--command',
      'echo ran {file}',
      '--report-dir',
      dir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await readJson<RunSummary>(join(dir, 'summary.json'));
    expect(summary.features).toEqual([expect.objectContaining({ file, status: 'passed' })]);
    const logs = summary.features[0]!.logs!;
    expect(logs.stdout).toMatch(/^logs\/features\/a-feature-with.*~[0-9a-f]{16}\.stdout\.log$/);
    expect(await readFile(join(dir, logs.stdout), 'utf8')).toContain('ran');
    // The image lacks the file, and the container's shell says so on stderr (it does not change the verdict here:
    // the command, not cucumber-js, runs): that line, under the shortened name too.
    expect(await readFile(join(dir, logs.stderr), 'utf8')).toMatch(
      /^baleen: the image has no feature file features\/a-feature-with/,
    );
  });
});
