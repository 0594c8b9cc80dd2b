import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { Labels } from '../../src/runtime/labels.js';
import { RUN_NETWORK_PREFIX } from '../../src/server/run-network.js';
import { CliProcess, runCli } from '../support/cli.js';
import { expectNoContainersLeft } from '../support/docker.js';
import { ON_PODMAN } from '../support/engine-under-test.js';
import { byFile, statusesOf, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';
import {
  FAILS_THEN_PASSES,
  WORKER_DIED,
  WORKER_SUITE as FEATURES,
  WORKER_IMAGE as IMAGE,
  containerOf,
  engineEvents,
  runWorkers,
  workerIdsOfRun,
} from '../support/worker-suite.js';

const scratch = useScratch('baleen-isolation-worker-');

const baleen = (args: string[]) => runWorkers(scratch, args);

/** The networks the engine connected the worker containers made between two moments to (its own event log). */
function workerNetworks(since: number, until: number): string[] {
  const workers = new Set(
    engineEvents(since, until, 'type=container', 'event=create', `label=${Labels.worker}`).map(
      (event) => event.Actor.ID,
    ),
  );
  return engineEvents(since, until, 'type=network', 'event=connect')
    .filter((event) => workers.has(event.Actor.Attributes.container!))
    .map((event) => event.Actor.Attributes.name!);
}

describe('--isolation worker', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), IMAGE, FEATURES);
  }, 300_000);
  afterEach(() => {
    expect(expectNoContainersLeft()).toEqual([]);
  });

  it('runs every feature through one warm container per slot, each with its own result, and removes them', {
    tags: ['podman'],
  }, async () => {
    const files = [
      'features/0-fails.feature',
      'features/a.feature',
      'features/b.feature',
      'features/c.feature',
      'features/d.feature',
      'features/tagged.feature',
    ];
    // --tags: the worker runs only the scenarios the expression selects (tagged.feature's hanging one is not).
    const since = Date.now();
    const { code, dir, summary, workers } = await baleen([
      '--files',
      ...files,
      '--concurrency',
      '2',
      '--tags',
      'not @slow',
    ]);
    // Both joined the run's own network, as a feature's container does (Podman logs no network connect events:
    // run-network.test.ts shows a run's containers on its network there).
    if (!ON_PODMAN)
      expect(workerNetworks(since, Date.now())).toEqual([
        `${RUN_NETWORK_PREFIX}${summary.runId}`,
        `${RUN_NETWORK_PREFIX}${summary.runId}`,
      ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual({ ...FAILS_THEN_PASSES, 'features/tagged.feature': 'passed' });
    expect(byFile(summary)['features/0-fails.feature']!.error).toMatch(
      /a wrong sum › Then the result is 3: AssertionError/,
    );
    expect(workers).toBe(2);
    // Two slots: the first two features start at once, each on the worker its job started (a job never waits
    // for another's, however slow its start: test/unit/worker-slots.test.ts); which ran the rest is the order
    // they finished in. So the containers the features ran in are exactly the two the engine made for the run:
    // none paid for and left unused, none from elsewhere.
    const seen = await Promise.all(files.map((file) => containerOf(dir, file)));
    const created = workerIdsOfRun(since, Date.now(), summary.runId).map((id) => id.slice(0, 12));
    expect(created).toHaveLength(2);
    expect(new Set(seen.map(({ host }) => host))).toEqual(new Set(created));
    // Each worker loaded the support code once, whatever number of features it ran.
    expect(seen.map(({ loads }) => loads)).toEqual([1, 1, 1, 1, 1, 1]);
    // Each feature's report is its own, as with a container per feature.
    const merged = JSON.parse(await readFile(join(dir, 'cucumber.json'), 'utf8')) as CucumberJson;
    expect(merged.map((feature) => feature.uri).sort()).toEqual(files);
    expect(
      merged.find((feature) => feature.uri === 'features/tagged.feature')!.elements!.map((scenario) => scenario.name),
    ).toEqual(['quick']);
    for (const feature of summary.features) expect(feature.exitCode).toBe(feature.status === 'passed' ? 0 : 1);
  });

  it('fails the feature a worker died on as a crash naming its end (as its own container would), and runs the rest on a fresh worker', async () => {
    const { code, dir, summary, workers } = await baleen([
      '--files',
      'features/a.feature',
      'features/b-dies.feature',
      'features/b.feature',
      'features/c.feature',
      '--concurrency',
      '1',
    ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual({
      'features/a.feature': 'passed',
      'features/b-dies.feature': 'failed',
      'features/b.feature': 'passed',
      'features/c.feature': 'passed',
    });
    expect(byFile(summary)['features/b-dies.feature']).toMatchObject({
      error: WORKER_DIED,
      exitCode: 7,
    });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => containerOf(dir, `features/${name}.feature`)));
    expect(b!.host).not.toBe(a!.host);
    expect(c!.host).toBe(b!.host);
    expect(workers).toBe(2);
    expect(await readFile(join(dir, 'logs', 'features/b-dies.feature.stderr.log'), 'utf8')).toContain(
      'dying on purpose',
    );
  });

  it('--retries re-runs the feature whose worker died, on a fresh worker', async () => {
    const { code, summary, workers } = await baleen(['--files', 'features/b-dies.feature', '--retries', '1']);
    expect(code).toBe(1);
    expect(byFile(summary)['features/b-dies.feature']).toMatchObject({
      status: 'failed',
      error: WORKER_DIED,
      previousAttempts: [expect.objectContaining({ status: 'failed', exitCode: 7 })],
    });
    // One worker per attempt: each died with its feature.
    expect(workers).toBe(2);
  });

  it('--fail-fast: after the first failure the rest are skipped and the workers removed', async () => {
    const { code, summary } = await baleen([
      '--files',
      'features/0-fails.feature',
      'features/a.feature',
      'features/b.feature',
      '--concurrency',
      '1',
      '--fail-fast',
    ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual({
      'features/0-fails.feature': 'failed',
      'features/a.feature': 'skipped',
      'features/b.feature': 'skipped',
    });
  });

  it('--timeout stops the worker of a feature that hangs, makes it an error, and the next feature gets a fresh worker', async () => {
    const { code, summary, workers } = await baleen([
      '--files',
      'features/0-hangs.feature',
      'features/a.feature',
      '--concurrency',
      '1',
      // The budget counts from taking a worker: a fresh one's start and support code load too, slow on a
      // loaded machine, and the feature after the hanging one gets a fresh worker.
      '--timeout',
      '20s',
      '--stop-grace',
      '1s',
    ]);
    expect(code).toBe(1);
    expect(byFile(summary)['features/0-hangs.feature']).toMatchObject({
      status: 'error',
      error: 'timed out after 20.0s (its worker was fresh: loading the support code counts)',
    });
    expect(byFile(summary)['features/a.feature']).toMatchObject({ status: 'passed' });
    expect(workers).toBe(2);
  });

  it('--split scenarios hands the workers one scenario at a time, and puts each feature back together', async () => {
    const { code, summary, workers } = await baleen([
      '--files',
      'features/two.feature',
      'features/a.feature',
      '--split',
      'scenarios',
      '--concurrency',
      '2',
    ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual({ 'features/a.feature': 'passed', 'features/two.feature': 'failed' });
    expect(byFile(summary)['features/two.feature']!.scenarios!.map(({ line, status }) => [line, status])).toEqual([
      [2, 'passed'],
      [7, 'failed'],
    ]);
    expect(workers).toBe(2);
  });

  it('--before-command runs before the worker in its shell; one that fails makes the feature an error saying so', async () => {
    const { code, summary } = await baleen([
      '--files',
      'features/a.feature',
      '--before-command',
      'echo preparing; exit 3',
    ]);
    expect(code).toBe(1);
    expect(byFile(summary)['features/a.feature']).toMatchObject({
      status: 'error',
      error: '--before-command failed with exit code 3',
    });
    const passing = await baleen(['--files', 'features/a.feature', '--before-command', 'echo preparing']);
    expect(statusesOf(passing.summary)).toEqual({ 'features/a.feature': 'passed' });
  });

  it('Ctrl-C stops the workers: no container left, the features cancelled, exit 130', async () => {
    const dir = scratch.reportDir();
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--isolation',
        'worker',
        '--files',
        'features/0-hangs.feature',
        'features/1-hangs.feature',
        '--concurrency',
        '2',
        '--verbose',
        '--report-dir',
        dir,
      ],
      { cwd: scratch.path('suite') },
    );
    for (const n of [0, 1]) await client.waitFor(new RegExp(`hanging ${n}`));
    const result = await client.stop('SIGINT');
    expect(result.code, result.stderr).toBe(130);
    const summary = await summaryOf(dir);
    expect(summary.status).toBe('interrupted');
    expect(Object.values(statusesOf(summary))).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses what a worker cannot do with one line and exit 2, before any container', async () => {
    const refused = async (args: string[]) => {
      const result = await runCli(
        [
          'cucumber',
          '--image',
          IMAGE,
          '--isolation',
          'worker',
          '--files',
          'features/a.feature',
          '--report-dir',
          scratch.reportDir(),
          ...args,
        ],
        { cwd: scratch.path('suite') },
      );
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      return result.stderr;
    };
    expect(await refused(['--collect', 'shots/'])).toMatch(
      /--isolation worker keeps its containers for the whole run, so --collect/,
    );
    expect(await refused(['--batch', '2'])).toMatch(/drop --batch/);
    expect(await refused(['--command', 'npm test -- {file}'])).toMatch(
      /this command calls no cucumber-js: call it there/,
    );
    expect(await refused(['--command', 'cucumber-js --parallel 2 {file}'])).toMatch(
      /take --parallel out of --command \(--concurrency N runs N workers\)/,
    );
  });
});
