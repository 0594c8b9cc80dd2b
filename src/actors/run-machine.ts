import { enqueueActions, setup, type AnyActorRef, type DoneActorEvent, type ErrorActorEvent } from 'xstate';
import type { RunSpec } from '../domain/run-spec.js';
import type { AttemptSummary, FeatureResult, RunStatus, StopReason } from '../domain/feature-run.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { Labels } from '../runtime/labels.js';
import { featureMachine, type FeatureInput, type FeatureObserver } from './feature-machine.js';
import { createSlotGate, type SlotGate } from './slot-gate.js';

export interface RunObserver extends FeatureObserver {
  /** Every attempt's result; `final` is false for an attempt that will be retried. */
  result(result: FeatureResult, final: boolean): void;
}

export interface RunInput {
  runId: string;
  serverId: string;
  owner: string;
  spec: RunSpec;
  runtime: ContainerRuntime;
  observer: RunObserver;
}

interface RunContext extends RunInput {
  gate: SlotGate;
  /** Children spawned so far, for unique child ids across retries. */
  spawned: number;
  remaining: number;
  anyUnsuccessful: boolean;
  stopReason?: StopReason;
  /** Earlier attempts of features being retried. */
  earlier: Record<string, AttemptSummary[]>;
  /** Which feature and attempt each live child runs. */
  children: Record<string, { file: string; attempt: number }>;
  startedAt: number;
}

export interface RunOutput {
  status: RunStatus;
  durationMs: number;
}

type RunEvent = { type: 'CANCEL' } | DoneActorEvent<FeatureResult, string> | ErrorActorEvent<unknown, string>;

const isUnsuccessful = (result: FeatureResult) => result.status === 'failed' || result.status === 'error';

const summaryOf = (result: FeatureResult): AttemptSummary => ({
  attempt: result.attempt,
  status: result.status,
  exitCode: result.exitCode,
  durationMs: result.durationMs,
  ...(result.error === undefined ? {} : { error: result.error }),
});

/**
 * A run: one child actor per feature file, spawned at once and queued at the slot gate in the order the
 * features were given (the scheduler's order). A finished child's result is passed on and the child stopped
 * at once, so a run of thousands of features keeps only live children in its snapshot. A failed feature with
 * retries left is spawned again (a fresh container); --fail-fast and CANCEL stop every live child.
 */
export const runMachine = setup({
  types: {
    input: {} as RunInput,
    context: {} as RunContext,
    events: {} as RunEvent,
    output: {} as RunOutput,
  },
  actors: { feature: featureMachine },
  guards: {
    allDone: ({ context }) => context.remaining === 0,
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    ...input,
    gate: createSlotGate(input.spec.concurrency),
    spawned: 0,
    remaining: input.spec.features.length,
    anyUnsuccessful: false,
    earlier: {},
    children: Object.fromEntries(input.spec.features.map((file, index) => [`feature-${index}`, { file, attempt: 1 }])),
    startedAt: Date.now(),
  }),
  initial: 'running',
  states: {
    running: {
      entry: enqueueActions(({ context, enqueue }) => {
        context.spec.features.forEach((file, index) => {
          enqueue.spawnChild('feature', { id: `feature-${index}`, input: featureInput(context, file, 1) });
        });
        enqueue.assign({ spawned: context.spec.features.length });
      }),
      always: { guard: 'allDone', target: 'finished' },
      on: {
        'xstate.done.actor.*': {
          actions: enqueueActions((args) => {
            const done = args.event as DoneActorEvent<FeatureResult, string>;
            settle(args, done.actorId, done.output);
          }),
        },
        // A feature actor that crashed (a bug, not a test failure) still settles its feature, as an error,
        // so the run ends and its other features are not left without an owner.
        'xstate.error.actor.*': {
          actions: enqueueActions((args) => {
            const failed = args.event as ErrorActorEvent<unknown, string>;
            const child = args.context.children[failed.actorId];
            if (!child) return;
            // The crashed actor can no longer remove its container: find it by its labels and remove it here.
            const { runtime, runId } = args.context;
            args.enqueue(() => void removeByLabels(runtime, containerLabelsOf(runId, child.file, child.attempt)));
            settle(args, failed.actorId, crashResult(child.file, child.attempt, failed.error));
          }),
        },
        CANCEL: {
          actions: enqueueActions(({ context, enqueue, self }) => {
            // After fail-fast the run is already stopping; its outcome stays "failed", not "interrupted".
            if (context.stopReason !== undefined) return;
            enqueue.assign({ stopReason: 'interrupt' });
            for (const child of Object.values(self.getSnapshot().children)) {
              if (child) enqueue.sendTo(child, { type: 'CANCEL', reason: 'interrupt' });
            }
          }),
        },
      },
    },
    finished: { type: 'final' },
  },
  output: ({ context }): RunOutput => ({
    status: context.stopReason === 'interrupt' ? 'interrupted' : context.anyUnsuccessful ? 'failed' : 'passed',
    durationMs: Date.now() - context.startedAt,
  }),
});

/** What `settle` needs of an enqueueActions call: the run's context, its children and the actions it queues. */
interface SettleArgs {
  context: RunContext;
  self: { getSnapshot(): { children: Record<string, AnyActorRef | undefined> } };
  enqueue: {
    stopChild(id: string): void;
    spawnChild(src: 'feature', options: { id: string; input: FeatureInput }): void;
    assign(values: Partial<RunContext>): void;
    sendTo(actor: AnyActorRef, event: { type: 'CANCEL'; reason: StopReason }): void;
  };
}

/**
 * One attempt of a feature ended: retry it in a fresh container if it failed and has retries left, else pass
 * on its final result; with --fail-fast, the first final failure stops every other feature.
 */
function settle({ context, self, enqueue }: SettleArgs, actorId: string, result: FeatureResult): void {
  enqueue.stopChild(actorId);
  const { [actorId]: _settled, ...children } = context.children;
  const earlier = context.earlier[result.file] ?? [];

  if (isUnsuccessful(result) && context.stopReason === undefined && result.attempt <= context.spec.retries) {
    context.observer.result(result, false);
    const id = `feature-${context.spawned}`;
    enqueue.spawnChild('feature', { id, input: featureInput(context, result.file, result.attempt + 1) });
    enqueue.assign({
      spawned: context.spawned + 1,
      earlier: { ...context.earlier, [result.file]: [...earlier, summaryOf(result)] },
      children: { ...children, [id]: { file: result.file, attempt: result.attempt + 1 } },
    });
    return;
  }

  context.observer.result({ ...result, previousAttempts: earlier, flaky: result.status === 'passed' && earlier.length > 0 }, true);
  const { [result.file]: _finished, ...stillRetrying } = context.earlier;
  enqueue.assign({
    remaining: context.remaining - 1,
    anyUnsuccessful: context.anyUnsuccessful || result.status !== 'passed',
    earlier: stillRetrying,
    children,
  });
  if (isUnsuccessful(result) && context.spec.failFast && context.stopReason === undefined) {
    enqueue.assign({ stopReason: 'fail-fast' });
    for (const [id, child] of Object.entries(self.getSnapshot().children)) {
      if (id !== actorId && child) enqueue.sendTo(child, { type: 'CANCEL', reason: 'fail-fast' });
    }
  }
}

function containerLabelsOf(runId: string, file: string, attempt: number): Record<string, string> {
  return { [Labels.runId]: runId, [Labels.feature]: file, [Labels.attempt]: String(attempt) };
}

async function removeByLabels(runtime: ContainerRuntime, labels: Record<string, string>): Promise<void> {
  try {
    for (const container of await runtime.listByLabels(labels)) await runtime.removeById(container.id);
  } catch {
    // The engine is not answering either: the next server start removes the container by its labels.
  }
}

function crashResult(file: string, attempt: number, error: unknown): FeatureResult {
  const empty = { text: '', totalBytes: 0, truncatedBytes: 0 };
  return {
    file, attempt, status: 'error', flaky: false, previousAttempts: [], exitCode: null, durationMs: 0,
    stdout: empty, stderr: empty, cucumberJson: null, engineFailure: false,
    error: `baleen failed while running this feature: ${error instanceof Error ? error.message : String(error)}`,
  };
}

function featureInput(context: RunContext, file: string, attempt: number): FeatureInput {
  return {
    file,
    attempt,
    spec: context.spec,
    runId: context.runId,
    serverId: context.serverId,
    owner: context.owner,
    runtime: context.runtime,
    gate: context.gate,
    observer: context.observer,
  };
}
