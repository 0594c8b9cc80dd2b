import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/dispatcher/dispatcher.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { unstartedResult } from '../../src/attempt/result-without-container.js';
import type { RequestOutcome, RequestSinks, WorkerContainer } from '../../src/worker/worker-container.js';
import type { WorkerRequest } from '../../src/worker/worker-program.js';
import { launchWorkerJob } from '../../src/worker/worker-job.js';
import { WorkerPool } from '../../src/worker/worker-pool.js';
import { answerWith } from '../support/worker-answer.js';

/** A stand-in worker that passes every feature it is handed and remembers which. */
class PassingWorker {
  alive = true;
  ready = true;
  readonly loadError = undefined;
  readonly loadSettled = Promise.resolve();
  readonly ran: string[] = [];
  constructor(
    readonly n: number,
    private readonly onAnswer: () => void,
  ) {}
  async run(request: WorkerRequest, sinks: RequestSinks): Promise<RequestOutcome> {
    const uri = request.paths[0]!.replace(/^\.\//, '');
    this.ran.push(uri);
    this.onAnswer();
    const report = [
      {
        name: 'F',
        uri,
        elements: [{ name: 'S', type: 'scenario', line: 2, steps: [{ result: { status: 'passed' } }] }],
      },
    ];
    return answerWith(request, sinks, 0, report);
  }
  describeEnd(): string {
    return 'exit code 0';
  }
  async stop(): Promise<void> {}
  async remove(): Promise<void> {
    this.alive = false;
  }
}

/** A run of `features` (one scenario each, at line 2) on two slots, through the dispatcher, on `pool`'s workers: its final results. */
function dispatchOnWorkers(pool: WorkerPool<WorkerContainer>, features: readonly string[], extra: object) {
  const dispatcher = new Dispatcher(2, {
    launch: (job, spec, observer, events) => launchWorkerJob({ job, spec, observer, events, pool }),
    unstarted: (job, spec, reason) => unstartedResult(job.files[0]!, job.attempt, reason, spec),
    runEnded: () => pool.close(),
  });
  const spec = RunSpecSchema.parse({
    image: 'img',
    features,
    concurrency: 2,
    isolation: 'worker',
    expectedScenarioLines: Object.fromEntries(features.map((file) => [file, [2]])),
    ...extra,
  });
  const results: FeatureResult[] = [];
  const run = dispatcher.submit('r', spec, {
    state: () => {},
    output: () => {},
    waiting: () => {},
    result: (result, final) => {
      if (final) results.push(result);
    },
  });
  return { finished: run.finished, results };
}

describe('warm workers behind the dispatcher (--isolation worker)', () => {
  // The e2e schedule under load: the second worker's container takes long to start, the first answers feature
  // after feature meanwhile. The job that started the second worker must still run on it: the two slots run
  // two workers, and no worker is started for nothing.
  it('a job waiting on its slow-starting worker keeps it, while the other slot runs the rest on the first worker', async () => {
    const features = ['0.feature', 'a.feature', 'b.feature', 'c.feature', 'd.feature', 'e.feature'];
    const workers: PassingWorker[] = [];
    let secondMayStart!: () => void;
    const secondHeld = new Promise<void>((resolve) => (secondMayStart = resolve));
    const pool = new WorkerPool(async (n) => {
      // Worker 2 starts only once worker 1 answered every feature but the one waiting for worker 2.
      const worker = new PassingWorker(n, () => {
        if (workers[0]!.ran.length === features.length - 1) secondMayStart();
      });
      workers.push(worker);
      if (n === 2) await secondHeld;
      return worker as unknown as WorkerContainer;
    });
    const { finished, results } = dispatchOnWorkers(pool, features, {});
    expect((await finished).status).toBe('passed');
    expect(results.map((result) => result.status)).toEqual(features.map(() => 'passed'));
    expect(workers.map((worker) => worker.n)).toEqual([1, 2]);
    // Both first jobs were admitted at once: the second started worker 2 and ran on it, however late it came.
    expect(workers[1]!.ran).toEqual(['a.feature']);
    expect(workers[0]!.ran).toEqual(['0.feature', 'b.feature', 'c.feature', 'd.feature', 'e.feature']);
    expect(pool.size).toBe(0);
  });
});

/** A stand-in worker whose support code fails to load: it ends before answering, saying why. */
class UnloadableWorker {
  alive = true;
  ready = false;
  loadError: string | undefined;
  private settle!: () => void;
  readonly loadSettled = new Promise<void>((resolve) => (this.settle = resolve));
  async run(): Promise<RequestOutcome> {
    this.alive = false;
    this.loadError = 'SyntaxError: broken (features/support/steps.js:3)';
    this.settle();
    return { kind: 'worker-ended', exit: { exitCode: 2, oomKilled: false }, loaded: false };
  }
  describeEnd(): string {
    return 'exit code 2';
  }
  async stop(): Promise<void> {}
  async remove(): Promise<void> {}
}

describe('support code that fails to load, behind the dispatcher', () => {
  it('two workers fail, then every feature left fails at once without a worker, and none is retried for nothing', async () => {
    const features = ['a.feature', 'b.feature', 'c.feature', 'd.feature', 'e.feature'];
    let started = 0;
    const pool = new WorkerPool(async () => {
      started++;
      return new UnloadableWorker() as unknown as WorkerContainer;
    });
    const { finished, results } = dispatchOnWorkers(pool, features, { retries: 2 });
    expect((await finished).status).toBe('failed');
    expect(started).toBe(2);
    const unloadable =
      'not run: the support code failed to load on two warm workers in a row: SyntaxError: broken (features/support/steps.js:3)';
    results.sort((a, b) => a.file.localeCompare(b.file));
    expect(results.map(({ file, status, error }) => [file, status, error])).toEqual(
      features.map((file) => [file, 'error', unloadable]),
    );
    // a and b ran on the two workers (a retried once, as the first failure may be chance); no refused attempt is retried.
    expect(
      Object.fromEntries(
        results.map((result) => [result.file, result.previousAttempts.map((earlier) => earlier.error)]),
      ),
    ).toEqual({
      'a.feature': ["its warm worker's support code failed to load: SyntaxError: broken (features/support/steps.js:3)"],
      'b.feature': ["its warm worker's support code failed to load: SyntaxError: broken (features/support/steps.js:3)"],
      'c.feature': [],
      'd.feature': [],
      'e.feature': [],
    });
  });
});
