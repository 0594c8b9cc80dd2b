import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli.js';
import { expectNoContainersLeft } from '../support/docker.js';
import { byFile, statusesOf, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { expectNoServicesLeft } from '../support/swarm.js';
import {
  FAILS_THEN_PASSES,
  WORKER_DIED,
  WORKER_IMAGE,
  WORKER_SUITE,
  containerOf,
  runWorkers,
} from '../support/worker-suite.js';

const scratch = useScratch('baleen-isolation-worker-swarm-');

const baleen = (args: string[]) => runWorkers(scratch, ['--runtime', 'swarm', ...args]);

/**
 * The promises of test/e2e/isolation-worker.test.ts on a one-node swarm: each worker is a service whose stdin
 * baleen writes through an attach to its container (src/runtime/swarm/service-stdin.ts).
 */
describe('--isolation worker on a one-node swarm', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), WORKER_IMAGE, WORKER_SUITE);
  }, 300_000);
  afterEach(() => {
    expect(expectNoServicesLeft()).toEqual([]);
    expect(expectNoContainersLeft()).toEqual([]);
  });

  it('runs the features through one warm service per slot, the support code loaded once in each', async () => {
    const files = [
      'features/0-fails.feature',
      'features/a.feature',
      'features/b.feature',
      'features/c.feature',
      'features/d.feature',
    ];
    const { code, dir, summary, workers } = await baleen(['--files', ...files, '--concurrency', '2']);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual(FAILS_THEN_PASSES);
    expect(workers).toBe(2);
    const said = await Promise.all(['a', 'b', 'c', 'd'].map((name) => containerOf(dir, `features/${name}.feature`)));
    // Four features on at most two containers, each of which loaded the support code once: a container ran
    // more than one. (Which worker takes which feature is the pool's choice: a slow start may leave one idle.)
    expect(new Set(said.map((one) => one.host)).size).toBeLessThanOrEqual(2);
    expect(said.map((one) => one.loads)).toEqual([1, 1, 1, 1]);
  });

  it('fails the feature a worker died on as a crash naming its end (as its own container would), and runs the rest on a fresh worker', async () => {
    const { code, summary, workers } = await baleen([
      '--files',
      'features/a.feature',
      'features/b-dies.feature',
      'features/b.feature',
      '--concurrency',
      '1',
    ]);
    expect(code).toBe(1);
    expect(statusesOf(summary)).toEqual({
      'features/a.feature': 'passed',
      'features/b-dies.feature': 'failed',
      'features/b.feature': 'passed',
    });
    expect(byFile(summary)['features/b-dies.feature']).toMatchObject({
      error: WORKER_DIED,
      exitCode: 7,
    });
    expect(workers).toBe(2);
  });

  it('--retries re-runs the feature whose worker died, on a fresh worker; --fail-fast skips the rest', async () => {
    const retried = await baleen(['--files', 'features/b-dies.feature', '--retries', '1']);
    expect(byFile(retried.summary)['features/b-dies.feature']).toMatchObject({
      status: 'failed',
      previousAttempts: [expect.objectContaining({ status: 'failed', exitCode: 7 })],
    });
    expect(retried.workers).toBe(2);
    const failFast = await baleen([
      '--files',
      'features/0-fails.feature',
      'features/a.feature',
      'features/b.feature',
      '--concurrency',
      '1',
      '--fail-fast',
    ]);
    expect(statusesOf(failFast.summary)).toEqual({
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
      '25s',
      '--stop-grace',
      '1s',
    ]);
    expect(code).toBe(1);
    expect(byFile(summary)['features/0-hangs.feature']).toMatchObject({
      status: 'error',
      error: 'timed out after 25.0s (its worker was fresh: loading the support code counts)',
    });
    expect(byFile(summary)['features/a.feature']).toMatchObject({ status: 'passed' });
    expect(workers).toBe(2);
  });

  it('Ctrl-C stops the workers: no service or container left, the features cancelled, exit 130', async () => {
    const dir = scratch.reportDir();
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        WORKER_IMAGE,
        '--runtime',
        'swarm',
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
    expect(Object.values(statusesOf(await summaryOf(dir)))).toEqual(['cancelled', 'cancelled']);
  });
});
