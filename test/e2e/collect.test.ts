import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-collect-');

async function run(args: string[]) {
  const reportDir = scratch.reportDir();
  const result = await runCli(['cucumber', '--image', TEST_IMAGE, ...args, '--report-dir', reportDir], {
    cwd: FIXTURE_SUITE,
  });
  const text = await readFile(join(reportDir, 'summary.json'), 'utf8').catch(() => {
    throw new Error(`no summary.json: ${result.stdout}${result.stderr}`);
  });
  const summary = JSON.parse(text) as RunSummary;
  return { ...result, summary, reportDir };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('--collect brings files back from the containers through the report channel', () => {
  it("brings a failed feature's files back byte for byte under artifacts/<feature>/, and nothing of it shows in its stderr", {
    tags: ['podman'],
  }, async () => {
    // The suite's outputs: a text file, a nested one and bytes that are not text.
    const make =
      "mkdir -p shots/deep && printf 'page 1' > shots/one.txt && printf 'deeper' > shots/deep/two.txt && printf '\\000\\001\\377\\n' > shots/raw.bin";
    const { code, summary, reportDir, stderr, stdout } = await run([
      '--files',
      'features/fail.feature',
      '--before-command',
      make,
      '--collect',
      'shots/',
    ]);
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/^report: .*\(also .*artifacts\/\)$/m);
    const dir = join(reportDir, 'artifacts/features/fail.feature/shots');
    expect(await readFile(join(dir, 'one.txt'), 'utf8')).toBe('page 1');
    expect(await readFile(join(dir, 'deep/two.txt'), 'utf8')).toBe('deeper');
    expect([...(await readFile(join(dir, 'raw.bin')))]).toEqual([0, 1, 255, 10]);
    expect(summary.features[0]).toMatchObject({
      status: 'failed',
      artifacts: { dir: 'artifacts/features/fail.feature/', files: 3 },
    });
    expect(summary.features[0]!.artifacts!.note).toBeUndefined();
    const log = await readFile(join(reportDir, summary.features[0]!.logs!.stderr), 'utf8');
    expect(log).not.toMatch(/baleen-artifacts-/);
  });

  it('cuts what is over --collect-max, keeps the whole files before the cut and says so; a path with nothing is named', async () => {
    const make = "printf 'small' > small.txt && head -c 200000 /dev/zero > big.bin";
    const { summary, reportDir } = await run([
      '--files',
      'features/pass.feature',
      '--before-command',
      make,
      '--collect',
      'small.txt',
      '--collect',
      'big.bin',
      '--collect-max',
      '64k',
    ]);
    expect(summary.features[0]).toMatchObject({
      status: 'passed',
      artifacts: {
        files: 1,
        note: expect.stringMatching(
          /^cut at 65536 bytes \(--collect-max\): 1 whole file kept, the rest was not collected$/,
        ),
      },
    });
    expect(await readFile(join(reportDir, 'artifacts/features/pass.feature/small.txt'), 'utf8')).toBe('small');
    expect(await exists(join(reportDir, 'artifacts/features/pass.feature/big.bin'))).toBe(false);

    const none = await run(['--files', 'features/pass.feature', '--collect', 'screenshots/']);
    expect(none.summary.features[0]).toMatchObject({
      status: 'passed',
      artifacts: { files: 0, note: 'nothing found under screenshots/' },
    });
    const without = await run(['--files', 'features/pass.feature']);
    expect(without.summary.features[0]!.artifacts).toBeUndefined();
    expect(await exists(join(without.reportDir, 'artifacts'))).toBe(false);
  });
});
