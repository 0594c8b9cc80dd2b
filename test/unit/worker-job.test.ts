import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import type { RequestOutcome, RequestSinks, WorkerContainer } from '../../src/worker/worker-container.js';
import type { WorkerRequest } from '../../src/worker/worker-program.js';
import { launchWorkerJob } from '../../src/worker/worker-job.js';
import { WorkerPool } from '../../src/worker/worker-pool.js';
import { answerWith } from '../support/worker-answer.js';

/** A stand-in worker that answers each request as scripted; the real one is e2e-tested. */
class ScriptedWorker {
  alive = true;
  ready = true;
  removed = false;
  node: string | undefined = 'engine-host';
  beforeCommandExit: number | undefined;
  loadError: string | undefined;
  readonly loadSettled = Promise.resolve();
  readonly asked: Omit<WorkerRequest, 'id'>[] = [];
  constructor(private readonly answer: (request: WorkerRequest, sinks: RequestSinks) => RequestOutcome) {}
  async run(request: WorkerRequest, sinks: RequestSinks): Promise<RequestOutcome> {
    const { id: _, ...asked } = request;
    this.asked.push(asked);
    const outcome = this.answer(request, sinks);
    if (outcome.kind === 'worker-ended') this.alive = false;
    return outcome;
  }
  describeEnd(): string {
    return 'exit code 2';
  }
  async stop(): Promise<void> {}
  async remove(): Promise<void> {
    this.removed = true;
    this.alive = false;
  }
}

const passedReport = (uri: string) => [
  {
    name: 'F',
    uri,
    elements: [{ name: 'S', type: 'scenario', line: 2, steps: [{ result: { status: 'passed' } }] }],
  },
];

function runJob(worker: ScriptedWorker, extra: object = {}) {
  const pool = new WorkerPool(async () => worker as unknown as WorkerContainer);
  const spec = RunSpecSchema.parse({
    image: 'img',
    features: ['features/a b.feature'],
    concurrency: 1,
    isolation: 'worker',
    expectedScenarioLines: { 'features/a b.feature': [2] },
    ...extra,
  });
  const states: string[] = [];
  let stopped = 0;
  const settled = new Promise<FeatureResult>((resolve) =>
    launchWorkerJob({
      job: { runId: 'r', files: ['features/a b.feature'], attempt: 1 },
      spec,
      observer: { state: (_file, _attempt, state) => states.push(state), output: () => {} },
      // One more job is queued: a worker given back waits for it.
      events: { stopped: () => stopped++, settled: resolve, queued: () => 1 },
      pool,
    }),
  );
  return { settled, states, pool, stoppedCount: () => stopped };
}

describe('a feature on a warm worker', () => {
  it('is judged by its report like a feature in its own container, and gives the worker back', async () => {
    const worker = new ScriptedWorker((request, sinks) => {
      sinks.stdout(Buffer.from('....\n'));
      return answerWith(request, sinks, 0, passedReport('features/a b.feature'));
    });
    const { settled, states, pool, stoppedCount } = runJob(worker, { tags: '@fast' });
    const result = await settled;
    expect(result).toMatchObject({
      status: 'passed',
      exitCode: 0,
      stdout: { text: '....\n' },
      stderr: { text: '' },
      engineFailure: false,
      node: 'engine-host',
    });
    expect(result.cucumberJson).toHaveLength(1);
    // The path as cucumber-js reads exactly that file, the run's tags, and what a feature's container is told.
    expect(worker.asked).toEqual([
      {
        paths: ['./features/a b.feature'],
        tags: '@fast',
        env: { BALEEN_FEATURE: 'features/a b.feature', BALEEN_ATTEMPT: '1' },
      },
    ]);
    expect(states).toEqual(['creating', 'running', 'collecting', 'done']);
    expect(stoppedCount()).toBe(1);
    expect(worker.removed).toBe(false);
    expect(pool.size).toBe(1);
  });

  it("fails as a crash, naming the worker's end, when its worker dies before its support code loaded, and the worker is removed", async () => {
    const worker = new ScriptedWorker(() => ({
      kind: 'worker-ended',
      exit: { exitCode: 2, oomKilled: false },
      loaded: false,
    }));
    worker.ready = false;
    const { settled, pool } = runJob(worker);
    expect(await settled).toMatchObject({
      status: 'failed',
      exitCode: 2,
      error:
        'its warm worker exited with code 2 before its support code had loaded without writing a Cucumber report (a crash or an error before any scenario ran: see its stderr)',
    });
    expect(worker.removed).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('is an error naming the load error when its worker ended because the support code failed to load', async () => {
    const worker = new ScriptedWorker(() => ({
      kind: 'worker-ended',
      exit: { exitCode: 2, oomKilled: false },
      loaded: false,
    }));
    worker.ready = false;
    worker.loadError = "SyntaxError: Unexpected identifier 'is' (features/support/steps.js:3)";
    expect(await runJob(worker).settled).toMatchObject({
      status: 'error',
      exitCode: 2,
      error:
        "its warm worker's support code failed to load: SyntaxError: Unexpected identifier 'is' (features/support/steps.js:3)",
    });
  });

  it('is an error naming the before-command when it failed and the worker never started', async () => {
    const worker = new ScriptedWorker(() => ({
      kind: 'worker-ended',
      exit: { exitCode: 3, oomKilled: false },
      loaded: false,
    }));
    worker.ready = false;
    // Told on the worker's own channel before the request was written.
    worker.beforeCommandExit = 3;
    expect(await runJob(worker).settled).toMatchObject({
      status: 'error',
      error: '--before-command failed with exit code 3',
    });
  });

  it('does not pass a feature whose report lacks its scenario', async () => {
    const worker = new ScriptedWorker((request, sinks) =>
      answerWith(request, sinks, 0, passedReport('features/other.feature')),
    );
    const result = await runJob(worker).settled;
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/does not name features\/a b.feature/);
  });
});
