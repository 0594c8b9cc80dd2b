import { posix } from 'node:path';
import { runContainerSpec } from '../attempt/container-spec.js';
import type { JobLauncher, LauncherContext } from '../attempt/job-launcher.js';
import { unstartedResult } from '../attempt/result-without-container.js';
import { cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import type { RunSpec } from '../domain/run-spec.js';
import { workerLabels } from '../runtime/labels.js';
import { WorkerContainer } from './worker-container.js';
import { launchWorkerJob } from './worker-job.js';
import { WorkerPool } from './worker-pool.js';

/**
 * Runs the dispatcher's jobs on warm workers (--isolation worker): each run has a pool of worker containers,
 * one per slot it holds at once, that stay up from their first feature to the run's end. The dispatcher still
 * decides everything (queue, order, retries, fail-fast); a job only borrows a worker for its one feature.
 */
export function workerLauncher(context: LauncherContext): JobLauncher {
  const pools = new Map<string, WorkerPool<WorkerContainer>>();
  const poolOf = (runId: string, spec: RunSpec) => {
    let pool = pools.get(runId);
    if (!pool) {
      pool = new WorkerPool((n, signal) => startWorker(context, runId, spec, n, signal));
      pools.set(runId, pool);
    }
    return pool;
  };
  return {
    launch: (job, spec, observer, events) =>
      launchWorkerJob({ job, spec, observer, events, pool: poolOf(job.runId, spec) }),
    unstarted: (job, spec, reason) => unstartedResult(job.files[0]!, job.attempt, reason, spec),
    async runEnded(runId) {
      const pool = pools.get(runId);
      pools.delete(runId);
      await pool?.close();
    },
  };
}

async function startWorker(
  context: LauncherContext,
  runId: string,
  spec: RunSpec,
  n: number,
  signal: AbortSignal,
): Promise<WorkerContainer> {
  const network = context.networkOf(runId);
  await network.ready;
  return WorkerContainer.start(
    context.runtime,
    {
      spec: runContainerSpec(
        spec,
        network.name,
        workerLabels({ runId, serverId: context.serverId, owner: context.owner, worker: n }),
      ),
      ...(spec.beforeCommand === undefined ? {} : { beforeCommand: spec.beforeCommand }),
      command: spec.command,
      reportPath: spec.reportPath,
      supportPaths: supportPaths(spec.features),
    },
    signal,
  );
}

/**
 * The folders of the run's features, which the worker loads the support code from as cucumber-js would for
 * those features (it looks from each feature's folder up to a `features` folder). Folders rather than the
 * features themselves: a run may have 100 000 features, and the list travels in one environment variable.
 */
export function supportPaths(features: readonly string[]): string[] {
  const folders = [...new Set(features.map((feature) => posix.dirname(feature)))];
  return folders.map((folder) => {
    const argument = cucumberPathArgument(folder);
    return argument.ok ? argument.argument : folder;
  });
}
