import { assign, enqueueActions, setup, type DoneActorEvent } from 'xstate';
import type { RunSpec } from '../domain/run-spec.js';
import type { FeatureResult, RunStatus } from '../domain/feature-run.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { featureMachine, type FeatureObserver } from './feature-machine.js';
import { createSlotGate, type SlotGate } from './slot-gate.js';

export interface RunObserver extends FeatureObserver {
  result(result: FeatureResult): void;
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
  remaining: number;
  anyUnsuccessful: boolean;
  cancelled: boolean;
  startedAt: number;
}

export interface RunOutput {
  status: RunStatus;
  durationMs: number;
}

type RunEvent = { type: 'CANCEL' } | DoneActorEvent<FeatureResult, string>;

const childId = (index: number) => `feature-${index}`;

/**
 * A run: one child actor per feature file, all spawned at once and queued at the slot gate in the order the
 * features were given (the scheduler's order). Each finished child's result is passed on and the child is
 * stopped at once, so a run of thousands of features keeps only the live ones in its snapshot.
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
    remaining: input.spec.features.length,
    anyUnsuccessful: false,
    cancelled: false,
    startedAt: Date.now(),
  }),
  initial: 'running',
  states: {
    running: {
      entry: enqueueActions(({ context, enqueue }) => {
        context.spec.features.forEach((file, index) => {
          enqueue.spawnChild('feature', {
            id: childId(index),
            input: {
              file,
              spec: context.spec,
              runId: context.runId,
              serverId: context.serverId,
              owner: context.owner,
              runtime: context.runtime,
              gate: context.gate,
              observer: context.observer,
            },
          });
        });
      }),
      always: { guard: 'allDone', target: 'finished' },
      on: {
        'xstate.done.actor.*': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const result = (event as DoneActorEvent<FeatureResult, string>).output;
            context.observer.result(result);
            enqueue.stopChild(event.actorId);
            enqueue.assign({
              remaining: context.remaining - 1,
              anyUnsuccessful: context.anyUnsuccessful || result.status !== 'passed',
            });
          }),
        },
        CANCEL: {
          actions: [
            assign({ cancelled: true }),
            enqueueActions(({ self, enqueue }) => {
              for (const child of Object.values(self.getSnapshot().children)) {
                enqueue.sendTo(child!, { type: 'CANCEL' });
              }
            }),
          ],
        },
      },
    },
    finished: { type: 'final' },
  },
  output: ({ context }): RunOutput => ({
    status: context.cancelled ? 'interrupted' : context.anyUnsuccessful ? 'failed' : 'passed',
    durationMs: Date.now() - context.startedAt,
  }),
});
