import { enqueueActions, setup, type DoneActorEvent } from 'xstate';
import type { RunSpec } from '../domain/run-spec.js';
import type { AttemptSummary, FeatureResult, RunStatus, StopReason } from '../domain/feature-run.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
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
  startedAt: number;
}

export interface RunOutput {
  status: RunStatus;
  durationMs: number;
}

type RunEvent = { type: 'CANCEL' } | DoneActorEvent<FeatureResult, string>;

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
          actions: enqueueActions(({ context, event, enqueue, self }) => {
            const done = event as DoneActorEvent<FeatureResult, string>;
            const result = done.output;
            enqueue.stopChild(done.actorId);
            const earlier = context.earlier[result.file] ?? [];

            if (isUnsuccessful(result) && context.stopReason === undefined && result.attempt <= context.spec.retries) {
              context.observer.result(result, false);
              enqueue.spawnChild('feature', { id: `feature-${context.spawned}`, input: featureInput(context, result.file, result.attempt + 1) });
              enqueue.assign({ spawned: context.spawned + 1, earlier: { ...context.earlier, [result.file]: [...earlier, summaryOf(result)] } });
              return;
            }

            context.observer.result({ ...result, previousAttempts: earlier, flaky: result.status === 'passed' && earlier.length > 0 }, true);
            const { [result.file]: _finished, ...stillRetrying } = context.earlier;
            enqueue.assign({
              remaining: context.remaining - 1,
              anyUnsuccessful: context.anyUnsuccessful || result.status !== 'passed',
              earlier: stillRetrying,
            });
            if (isUnsuccessful(result) && context.spec.failFast && context.stopReason === undefined) {
              enqueue.assign({ stopReason: 'fail-fast' });
              for (const [id, child] of Object.entries(self.getSnapshot().children)) {
                if (id !== done.actorId && child) enqueue.sendTo(child, { type: 'CANCEL', reason: 'fail-fast' });
              }
            }
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
