import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-did-you-mean-');

/** The one line of stderr a refused command prints. */
async function refusal(args: string[], cwd = scratch.dir): Promise<{ code: number | null; line: string }> {
  const result = await runCli(args, { cwd });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return { code: result.code, line: lines[0]! };
}

describe('did you mean (issue 21, case 6)', () => {
  it('an option: the flag the word begins, not any name as many edits away', async () => {
    expect(await refusal(['cucumber', '--image', 'x', '--files', 'f', '--retry', '2'])).toEqual({
      code: 2,
      line: "baleen: unknown option '--retry': did you mean --retries?",
    });
  });

  it.each([
    [
      'retry: 1 in a project',
      'projects:\n  smoke:\n    image: x\n    files: f\n    retry: 1\n',
      ':5: projects.smoke: unknown key "retry": did you mean retries?',
    ],
    [
      'project: at the top',
      'project:\n  smoke:\n    image: x\n    files: f\n',
      ':1: (top level): unknown key "project": did you mean projects?',
    ],
    [
      "a project's key at the top",
      'projects:\n  smoke:\n    image: x\n    files: f\nretries: 1\n',
      ':5: (top level): unknown key "retries": retries is a project\'s key: put it under projects.NAME (indent it there)',
    ],
  ])('a baleen.yml key: %s', async (_, yaml, words) => {
    const file = scratch.path('baleen.yml');
    await writeFile(file, yaml);
    expect(await refusal(['project', 'smoke', '--config', file])).toEqual({
      code: 2,
      line: `baleen: ${file}${words}`,
    });
  });

  it('an image: the one on the engine that is a typo away', async () => {
    const typo = TEST_IMAGE.replace('runner', 'runer');
    const { code, line } = await refusal(
      ['cucumber', '--image', typo, '--files', 'features/pass.feature', '--report-dir', scratch.reportDir()],
      FIXTURE_SUITE,
    );
    expect(code).toBe(3);
    expect(line).toMatch(
      new RegExp(
        `^baleen: image "${typo}" is not on the Docker engine: did you mean ${TEST_IMAGE} \\(on the engine\\)\\? Else build or load it first`,
      ),
    );
  });

  it('a feature the image does not hold: said as such, not as a report that names no feature', async () => {
    // Run from inside features/: --files pass.feature is /suite/pass.feature in the image, which has none.
    const reportDir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'pass.feature', '--report-dir', reportDir],
      { cwd: join(FIXTURE_SUITE, 'features') },
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const [feature] = (await summaryOf(reportDir)).features;
    expect(feature).toMatchObject({ file: 'pass.feature', status: 'error' });
    expect(feature!.error).toBe(
      'the image has no /suite/pass.feature (pass.feature under the working directory /suite): run baleen from the folder the image holds as /suite, so that --files names the same paths in both, or build the image with it',
    );
  });
});
