import { createActor } from 'xstate';
import type { JobLauncher, LauncherContext } from '../attempt/job-launcher.js';
import { crashResult, unstartedResult } from '../attempt/result-without-container.js';
import type { FeatureState } from '../domain/feature-run.js';
import type { Job } from '../domain/job.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { Labels } from '../runtime/labels.js';
import { featureMachine } from './feature-machine.js';

/** From these states on, the feature's container no longer runs. */
const CONTAINER_STOPPED: ReadonlySet<FeatureState> = new Set(['collecting', 'removing', 'done']);

/**
 * Runs the dispatcher's jobs as feature actors on a container runtime. The actor reports its states; the first
 * one past the container's run frees the job's slot, so the actor itself needs to know nothing of slots.
 */
export function featureLauncher(context: LauncherContext): JobLauncher {
  return {
    launch(job, spec, observer, events) {
      let stopped = false;
      const actor = createActor(featureMachine, {
        input: {
          files: job.files,
          line: job.line,
          attempt: job.attempt,
          spec,
          runId: job.runId,
          serverId: context.serverId,
          owner: context.owner,
          runtime: context.runtime,
          network: context.networkOf(job.runId),
          observer: {
            state: (file, attempt, state) => {
              if (!stopped && CONTAINER_STOPPED.has(state)) {
                stopped = true;
                // Not from inside this actor's action: the dispatcher may start other actors at once.
                queueMicrotask(events.stopped);
              }
              observer.state(file, attempt, state);
            },
            output: observer.output,
            ...(observer.artifact ? { artifact: observer.artifact } : {}),
          },
        },
      });
      actor.subscribe({
        complete: () => {
          for (const result of actor.getSnapshot().output!) events.settled(result);
        },
        error: (error) => {
          // The crashed actor can no longer remove its container: find it by its labels and remove it here.
          void removeByLabels(context.runtime, {
            [Labels.runId]: job.runId,
            [Labels.feature]: job.files[0]!,
            ...(job.line === undefined ? {} : { [Labels.line]: String(job.line) }),
            [Labels.attempt]: String(job.attempt),
          });
          for (const file of job.files) events.settled(crashResult(file, job.attempt, spec, error));
        },
      });
      actor.start();
      return { cancel: (reason) => actor.send({ type: 'CANCEL', reason }) };
    },
    unstarted: (job: Job, spec, reason) => unstartedResult(job.files[0]!, job.attempt, reason, spec),
    // Each job removed its own container before it settled: nothing outlives it.
    runEnded: () => Promise.resolve(),
  };
}

async function removeByLabels(runtime: ContainerRuntime, labels: Record<string, string>): Promise<void> {
  try {
    for (const container of await runtime.listByLabels(labels)) await runtime.removeById(container.id);
  } catch {
    // The engine is not answering either: the next server start removes the container by its labels.
  }
}
