import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { Labels } from '../../src/runtime/labels.js';
import { runCli } from '../support/cli.js';
import { byFile, statusesOf, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { containerOf, engineEvents, runWorkers, workerIdsOfRun } from '../support/worker-suite.js';

/**
 * A warm worker's life beyond its features (--isolation worker): support code that fails to load, and a worker
 * left idle while its run's last features run elsewhere. Each test counts the worker containers by the
 * engine's own event log (its create and destroy events, by the run's labels), never by baleen's word.
 */
const scratch = useScratch('baleen-worker-lifecycle-');

const BROKEN = { image: 'baleen-test-worker-broken', folder: 'broken' };
const TAIL = { image: 'baleen-test-worker-tail', folder: 'tail' };

const passing = (name: string) =>
  `Feature: ${name}\n  Scenario: ${name}\n    Given the number 1\n    When I add 1\n    Then the result is 2\n`;
const BROKEN_FEATURES = ['a', 'b', 'c', 'd', 'e'].map((name) => `features/${name}.feature`);

// Its third line is no JavaScript: requiring it throws a SyntaxError, before any scenario can run.
const BROKEN_SUITE = {
  'features/support/broken.js':
    "const { Given } = require('@cucumber/cucumber');\nGiven('nothing', () => {});\nthis is not javascript;\n",
  ...Object.fromEntries(BROKEN_FEATURES.map((file) => [file, passing(file)])),
};

// One feature works for 15 s; the others are quick and say which container ran them.
const TAIL_SUITE = {
  'features/support/tail.js': `const { Given } = require('@cucumber/cucumber');
const { hostname } = require('node:os');
Given('it works for {int} seconds', { timeout: 60_000 }, (seconds) => new Promise((done) => setTimeout(done, seconds * 1000)));
Given('it says which container runs it', () => console.log('container ' + hostname() + ' loads 1'));
`,
  'features/0-long.feature': 'Feature: long\n  Scenario: long\n    Given it works for 15 seconds\n',
  ...Object.fromEntries(
    ['a', 'b', 'c', 'd'].map((name) => [
      `features/${name}.feature`,
      `Feature: ${name}\n  Scenario: ${name}\n    Given it says which container runs it\n`,
    ]),
  ),
};

/** The final results in a run's results.json, by file name. */
const resultsOf = async (dir: string) =>
  (JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { results: FeatureResult[] }).results.sort((a, b) =>
    a.file.localeCompare(b.file),
  );

const LOAD_ERROR = "SyntaxError: Unexpected identifier 'is' (features/support/broken.js:3)";

describe('a warm worker’s life', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path(BROKEN.folder), BROKEN.image, BROKEN_SUITE);
    await buildSuiteImage(scratch.path(TAIL.folder), TAIL.image, TAIL_SUITE);
  }, 300_000);

  it('support code that fails to load: the worker is replaced once, then every other feature is an error naming the load error, with no more containers', async () => {
    const since = Date.now();
    const { code, dir, summary } = await runWorkers(
      scratch,
      ['--files', ...BROKEN_FEATURES, '--concurrency', '2', '--retries', '1'],
      BROKEN,
    );
    expect(code).toBe(1);
    // Two workers, one per slot, both failed to load: that is the suite's, not chance. Nothing else started.
    expect(workerIdsOfRun(since, Date.now(), summary.runId)).toHaveLength(2);
    expect(Object.values(statusesOf(summary))).toEqual(BROKEN_FEATURES.map(() => 'error'));
    // Once the second worker failed too, every feature left, retries included, failed at once without one.
    for (const feature of summary.features)
      expect(feature.error).toBe(
        `not run: the support code failed to load on two warm workers in a row: ${LOAD_ERROR}`,
      );
    const results = await resultsOf(dir);
    expect(results.map((result) => result.exitCode)).toEqual(BROKEN_FEATURES.map(() => null));
    // The first two features had the two workers: their first attempts say what their worker said, and their
    // retry never got one. A retry of a feature that never had a worker is not made: nothing would change.
    expect(
      results.map((result) =>
        result.previousAttempts.map(({ status, exitCode, error }) => ({ status, exitCode, error })),
      ),
    ).toEqual([
      [{ status: 'error', exitCode: 2, error: `its warm worker's support code failed to load: ${LOAD_ERROR}` }],
      [{ status: 'error', exitCode: 2, error: `its warm worker's support code failed to load: ${LOAD_ERROR}` }],
      [],
      [],
      [],
    ]);
    // The load error's stack is in the log of each feature whose worker failed.
    expect(await readFile(join(dir, 'logs', 'features/a.feature.stderr.log'), 'utf8')).toContain(
      'SyntaxError: Unexpected identifier',
    );
  });

  it('the same suite with a container per feature passes no feature either, exit 1, as cucumber-js fails it', async () => {
    const dir = scratch.reportDir();
    const result = await runCli(
      ['cucumber', '--image', BROKEN.image, '--files', ...BROKEN_FEATURES.slice(0, 2), '--report-dir', dir],
      { cwd: scratch.path(BROKEN.folder) },
    );
    expect(result.code).toBe(1);
    const summary = await summaryOf(dir);
    expect(Object.values(statusesOf(summary))).toEqual(['failed', 'failed']);
    expect(byFile(summary)['features/a.feature']!.error).toMatch(/a crash or an error before any scenario ran/);
  });

  it('a worker left idle while the run’s last feature runs elsewhere is removed at once, not at the run’s end', async () => {
    const since = Date.now();
    const { code, dir, summary } = await runWorkers(
      scratch,
      [
        '--files',
        'features/0-long.feature',
        'features/a.feature',
        'features/b.feature',
        'features/c.feature',
        'features/d.feature',
        '--concurrency',
        '2',
      ],
      TAIL,
    );
    const until = Date.now();
    expect(code).toBe(0);
    expect(Object.values(statusesOf(summary))).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    const created = workerIdsOfRun(since, until, summary.runId);
    expect(created).toHaveLength(2);
    // The quick features ran on one worker while the long one had the other.
    const hosts = await Promise.all(['a', 'b', 'c', 'd'].map((name) => containerOf(dir, `features/${name}.feature`)));
    const quickHost = hosts[0]!.host!;
    expect(new Set(hosts.map(({ host }) => host))).toEqual(new Set([quickHost]));
    const quick = created.find((id) => id.startsWith(quickHost))!;
    // When the engine removed that worker, by its own log, and when the long feature ended, by its results.
    const destroyed = engineEvents(since, until, 'type=container', 'event=destroy', `label=${Labels.worker}`).find(
      (event) => event.Actor.ID === quick,
    );
    const results = await resultsOf(dir);
    const long = results.find((result) => result.file === 'features/0-long.feature')!;
    expect(destroyed).toBeDefined();
    expect(destroyed!.timeNano / 1e6).toBeLessThan(long.containerEndedAt!);
  });
});
