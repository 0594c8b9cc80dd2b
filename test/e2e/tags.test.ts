import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-tags-');
const IMAGE = 'baleen-test-tags';
let suite = '';

const scenario = (tag: string, name: string, failing = false) => [
  `  ${tag}`,
  `  Scenario: ${name}`,
  '    Given the number 1',
  '    When I add 1',
  `    Then the result is ${failing ? 3 : 2}`,
];

beforeAll(async () => {
  suite = scratch.path('suite');
  await buildSuiteImage(suite, IMAGE, {
    // The slow scenario fails: it must not run under --tags @smoke.
    'features/mixed.feature': [
      'Feature: Mixed',
      ...scenario('@smoke', 'quick one'),
      ...scenario('@slow', 'slow one', true),
      '',
    ].join('\n'),
    'features/slow-only.feature': ['Feature: Slow only', ...scenario('@slow', 'slow only', true), ''].join('\n'),
  });
});

describe('--tags', () => {
  it('runs only the scenarios the expression selects, and starts no container for a feature with none', async () => {
    const reportDir = scratch.reportDir();
    const result = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/',
        '--tags',
        '@smoke and not @slow',
        '--report-dir',
        reportDir,
      ],
      { cwd: suite },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    // slow-only.feature is no part of the run: no container, no result.
    expect(summary.features.map((feature) => [feature.file, feature.status])).toEqual([
      ['features/mixed.feature', 'passed'],
    ]);
    expect(summary.totals.scenarios).toMatchObject({ passed: 1, failed: 0 });
  });

  it('fails with one line when nothing is selected (--tags, a shard), unless --pass-with-no-tests', async () => {
    // A typo in a CI tag expression must not pass the pipeline: exit 2, one line, a report that says so.
    const reportDir = scratch.reportDir();
    const typo = await runCli(
      ['cucumber', '--image', IMAGE, '--files', 'features/', '--tags', '@nowhere', '--report-dir', reportDir],
      { cwd: suite },
    );
    expect(typo.code, typo.stdout + typo.stderr).toBe(2);
    expect(typo.stderr.trim().split('\n')).toEqual([
      'baleen: no scenario matches --tags @nowhere, so nothing would run: check --tags and --files, or add --pass-with-no-tests if that is expected',
    ]);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary & {
      error: { code: string };
    };
    expect(summary).toMatchObject({ status: 'failed', error: { code: 'NOTHING_SELECTED' } });

    // More shards than features leaves a shard nothing: the same.
    const emptyShard = await runCli(
      ['cucumber', '--image', IMAGE, '--files', 'features/', '--shard', '3/3', '--report-dir', scratch.reportDir()],
      { cwd: suite },
    );
    expect(emptyShard.code).toBe(2);
    expect(emptyShard.stderr).toMatch(
      /^baleen: shard 3\/3 has no feature to run \(2 features for 3 shards\): split into at most 2 shards/,
    );

    // Opting out, as Playwright's flag does: exit 0, and the console says nothing ran.
    const allowed = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/',
        '--tags',
        '@nowhere',
        '--pass-with-no-tests',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: suite },
    );
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain(
      'baleen: no scenario matches --tags @nowhere, so nothing would run (--pass-with-no-tests)',
    );
  });

  it('refuses an expression that is not one, and a --command without {tags}, with exit 2', async () => {
    const bad = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/',
        '--tags',
        '@smoke and',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: suite },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tags "@smoke and" is not a Cucumber tag expression/);
    const noPlace = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        'features/',
        '--tags',
        '@smoke',
        '--command',
        'cucumber-js {file} --format json:{report}',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: suite },
    );
    expect(noPlace.code).toBe(2);
    expect(noPlace.stderr).toMatch(/--tags needs \{tags\} in --command/);
  });
});
