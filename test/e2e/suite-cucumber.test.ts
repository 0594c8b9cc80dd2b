import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { REPO_ROOT } from '../support/ci/ci-workspace.js';

const scratch = useScratch('baleen-suite-cucumber-');
const IMAGE = 'baleen-test-own-cucumber';

/**
 * A suite that brings its own cucumber-js, on the runner image that has one too. The suite's copy is the one
 * that sees the suite's dependencies (a real suite failed every feature with "Cannot find module
 * 'ts-node/register'" through the runner's copy). Here the suite's `node_modules/.bin/cucumber-js` needs a
 * module only the suite has, says so on stderr, and hands over to cucumber.
 */
beforeAll(async () => {
  const suite = scratch.path('suite');
  await cp(join(FIXTURE_SUITE, 'features'), join(suite, 'features'), { recursive: true });
  await mkdir(join(suite, 'node_modules', '.bin'), { recursive: true });
  await mkdir(join(suite, 'node_modules', 'suite-only-helper'), { recursive: true });
  await writeFile(
    join(suite, 'node_modules', 'suite-only-helper', 'index.js'),
    "module.exports = 'the suite\\'s own cucumber-js';\n",
  );
  const bin = join(suite, 'node_modules', '.bin', 'cucumber-js');
  await writeFile(
    bin,
    [
      '#!/usr/bin/env node',
      "process.stderr.write(`${require('suite-only-helper')}\\n`);",
      "require('/node_modules/@cucumber/cucumber/bin/cucumber.js');",
      '',
    ].join('\n'),
  );
  await chmod(bin, 0o755);
  execFileSync('bash', [join(REPO_ROOT, 'docker/build-images.sh'), '--suite', suite, '--tag', IMAGE], {
    stdio: 'pipe',
  });
});

describe('the default command and a suite with its own cucumber-js', () => {
  it("runs the suite's node_modules/.bin/cucumber-js, not the runner image's", async () => {
    const reportDir = scratch.reportDir();
    const result = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/pass.feature',
        'features/fail.feature',
        '--report-dir',
        reportDir,
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([
      ['features/fail.feature', 'failed'],
      ['features/pass.feature', 'passed'],
    ]);
    for (const file of ['pass', 'fail']) {
      expect(await readFile(join(reportDir, `logs/features/${file}.feature.stderr.log`), 'utf8')).toContain(
        "the suite's own cucumber-js",
      );
    }
  });

  it("an image without one still runs the runner's cucumber-js on PATH", async () => {
    const reportDir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', 'baleen-test-runner', '--files', 'features/pass.feature', '--report-dir', reportDir],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(reportDir, 'logs/features/pass.feature.stderr.log'), 'utf8')).not.toContain(
      "the suite's own",
    );
  });
});
