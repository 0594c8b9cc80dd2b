import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FOLDERS_WALKED } from '../../src/config/resolve-features.js';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CliProcess, runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-resolve-');

/** The fixture's passing feature, a Markdown feature, a symlink loop and a second name for the same file. */
let suite = '';
beforeAll(async () => {
  suite = scratch.path('suite');
  await cp(join(FIXTURE_SUITE, 'features/pass.feature'), join(suite, 'features/pass.feature'));
  await writeFile(
    join(suite, 'features/docs.feature.md'),
    '# Feature: Docs\n\n## Scenario: in markdown\n\n* Given a step\n',
  );
  await symlink('..', join(suite, 'features/loop'));
  await symlink('pass.feature', join(suite, 'features/again.feature'));
});

/** `count` folders as chains `depth` deep: reading them takes at least `depth` turns of the event loop. */
async function folders(root: string, count: number, depth: number): Promise<void> {
  for (let chain = 0; chain < count / depth; chain++) {
    await mkdir(join(root, `c${chain}`, ...Array.from({ length: depth - 1 }, (_, i) => `d${i}`)), { recursive: true });
  }
}

describe('--files', () => {
  it('a folder: *.feature and *.feature.md below it, a symlink loop read once, a file reached by two names run once', async () => {
    const dir = scratch.reportDir();
    // The image does not hold the Markdown feature: the command only proves each ran, by its exit code.
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/', '--command', 'echo ran {file}', '--report-dir', dir],
      { cwd: suite },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([
      ['features/docs.feature.md', 'passed'],
      ['features/pass.feature', 'passed'],
    ]);
  });

  it.each([
    [[''], /^baleen: --files was given an empty path: name a folder/],
    [
      ['/usr'],
      /^baleen: --files \/usr leads to \/usr, which is outside the current directory .*: run baleen from the folder/,
    ],
    [['../'], /which is outside the current directory/],
  ])('--files %j is refused before anything is read: one line, exit 2', async (files, message) => {
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', ...files, '--report-dir', scratch.reportDir()],
      { cwd: suite },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it(`refuses a walk of more than ${MAX_FOLDERS_WALKED} folders with the fix`, async () => {
    const root = scratch.path('huge');
    await folders(join(root, 'tree'), MAX_FOLDERS_WALKED + 100, 100);
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'tree', '--report-dir', scratch.reportDir()],
      { cwd: root },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `baleen: still looking for features: 1000 folders read for --files tree (the limit is ${MAX_FOLDERS_WALKED})`,
      `baleen: --files tree reaches more than ${MAX_FOLDERS_WALKED} folders: name the folders that hold your features (--files features/), not a whole tree`,
    ]);
  });

  it('stops looking for features on SIGTERM: exit 130, no report dir made', async () => {
    const root = scratch.path('long-walk');
    await folders(join(root, 'tree'), MAX_FOLDERS_WALKED - 100, 300);
    const reportDir = scratch.reportDir();
    const run = new CliProcess(['cucumber', '--image', TEST_IMAGE, '--files', 'tree', '--report-dir', reportDir], {
      cwd: root,
    });
    // The walk says so once it has read 1000 folders: it is under way, with thousands still to read.
    await expect
      .poll(() => run.stderr, { timeout: 60_000, interval: 10 })
      .toMatch(/still looking for features: 1000 folders read for --files tree \(the limit is 10000\)/);
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/interrupted while looking for features \(--files tree\)/);
    await expect(readFile(join(reportDir, 'summary.json'))).rejects.toThrow(/ENOENT/);
  });
});
