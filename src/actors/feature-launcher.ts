import { createActor } from 'xstate';
import type { JobLauncher, LauncherContext, PreparedJob } from '../attempt/job-launcher.js';
import { crashResult, unstartedResult } from '../attempt/result-without-container.js';
import type { FeatureState } from '../domain/feature-run.js';
import type { Job } from '../domain/job.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { Labels } from '../runtime/labels.js';
import { featureMachine } from './feature-machine.js';
import type { AttemptPlace } from './attempt-container.js';
import { type PreparedContainer, prepareContainer } from './prepared-container.js';

/** From these states on, the feature's container no longer runs. */
const CONTAINER_STOPPED: ReadonlySet<FeatureState> = new Set(['collecting', 'removing', 'done']);

/**
 * Runs the dispatcher's jobs as feature actors on a container runtime. The job's slot frees when its
 * container's output ends (its command exited), or at the first state past the container's run, so the actor
 * itself needs to know nothing of slots. On a runtime whose created containers run nothing until started, it
 * also makes the containers of the jobs next in line ahead of their slots (`prepare`).
 */
export function featureLauncher(context: LauncherContext): JobLauncher {
  // What this launcher prepared, for the job it was prepared for: the dispatcher hands it back at launch.
  const ours = new WeakMap<PreparedJob, PreparedContainer>();
  return {
    prepare(job, spec) {
      if (!context.runtime.traits.createsIdle) return undefined;
      const prepared = prepareContainer(placeOf(context, job), spec, context.runtime);
      ours.set(prepared, prepared);
      return prepared;
    },
    launch(job, spec, observer, events, prepared) {
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        // Not from inside this actor's action: the dispatcher may start other actors at once.
        queueMicrotask(events.stopped);
      };
      const watched = {
        state: (file: string, attempt: number, state: FeatureState) => {
          if (CONTAINER_STOPPED.has(state)) stop();
          observer.state(file, attempt, state);
        },
        output: observer.output,
        ...(observer.artifact ? { artifact: observer.artifact } : {}),
      };
      const own = prepared === undefined ? undefined : ours.get(prepared);
      // Not this launcher's (never so: a run's jobs all go to its isolation's launcher): it goes, unused.
      if (prepared !== undefined && own === undefined) void prepared.discard();
      own?.admit(watched);
      const actor = createActor(featureMachine, {
        input: {
          ...placeOf(context, job),
          spec,
          runtime: context.runtime,
          observer: watched,
          outputEnded: stop,
          ...(own === undefined ? {} : { prepared: own }),
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

function placeOf(context: LauncherContext, job: Job): AttemptPlace {
  return {
    files: job.files,
    ...(job.line === undefined ? {} : { line: job.line }),
    attempt: job.attempt,
    runId: job.runId,
    serverId: context.serverId,
    owner: context.owner,
    network: context.networkOf(job.runId),
  };
}

async function removeByLabels(runtime: ContainerRuntime, labels: Record<string, string>): Promise<void> {
  try {
    for (const container of await runtime.listByLabels(labels)) await runtime.removeById(container.id);
  } catch {
    // The engine is not answering either: the next server start removes the container by its labels.
  }
}
