import { assign, fromPromise, setup } from 'xstate';
import { Attempt, MAX_REPORT_BYTES } from '../attempt/attempt.js';
import { attemptContainerSpec, waitForNetwork } from './attempt-container.js';
import type { FeatureObserver, RunNetworkView } from '../attempt/job-launcher.js';
import type { PreparedContainer } from './prepared-container.js';
import type { FeatureResult, FeatureState, StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  CreatedContainer,
  OutputSinks,
} from '../runtime/container-runtime.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';

export interface FeatureInput {
  /** The feature it runs, or with --batch the features one runner invocation runs together. */
  files: readonly string[];
  /** With --split scenarios: the line of the one scenario of the feature it runs, and the only one it is judged by. */
  line?: number;
  attempt: number;
  spec: RunSpec;
  runId: string;
  serverId: string;
  /** Who owns the container, for the reaper: see runtime/labels.ts. */
  owner: string;
  runtime: ContainerRuntime;
  /** The network the container joins, once `ready` (a run's own network is made as the run starts). */
  network: RunNetworkView;
  observer: FeatureObserver;
  /** Its container, made ahead of the job's slot (see prepared-container.ts), with its attempt, if it was. */
  prepared?: PreparedContainer;
  /**
   * The container's output ended: its command has exited (what keeps the output open is the container's shell,
   * which prints the report last). Its slot may go to the next job while the exit is read and the report
   * collected.
   */
  outputEnded?: () => void;
}

/** The attempt (its evidence, deadline and results: attempt/attempt.ts) and the container that runs it. */
interface FeatureContext extends FeatureInput {
  run: Attempt;
  container?: CreatedContainer;
  attached?: AttachedContainer;
}

export type FeatureEvent = { type: 'CANCEL'; reason: StopReason };

/**
 * The action that records why a step failed, phrased as what baleen was doing. `engine` marks failures of
 * the container engine itself, which make the run an infrastructure error (exit 3) rather than a test failure.
 */
const problem = (doing: string, engine = true) => ({
  type: 'recordProblem' as const,
  params: ({ event }: { event: { error?: unknown } }) => ({ problem: `${doing}: ${describe(event.error)}`, engine }),
});

function describe(error: unknown): string {
  return error instanceof BaleenError ? error.toLine() : messageOf(error);
}

/**
 * One attempt of a feature file in a container of its own, following the container: creating → attaching →
 * starting → running → collecting → removing → done. Whatever happens after the container exists, the machine
 * passes through `removing`, so no path leaves a container behind. What the attempt is (its container's
 * settings, deadline, evidence, verdict and results) is attempt/attempt.ts's, shared with the warm worker; this
 * machine only drives the container. The dispatcher spawns it once the job has a slot, and takes the slot back
 * when the machine reports a state past the container's run (see actors/feature-launcher.ts). CANCEL during a
 * step that must not be torn in half (creating, attaching) is remembered and honoured when that step ends; in
 * collecting and removing the container has exited already, and the feature keeps its real outcome.
 */
export const featureMachine = setup({
  types: {
    input: {} as FeatureInput,
    context: {} as FeatureContext,
    events: {} as FeatureEvent,
    output: {} as FeatureResult[],
  },
  actors: {
    createContainer: fromPromise<CreatedContainer, FeatureContext>(async ({ input }) => {
      // Made ahead of the slot: what is left is to take it over.
      if (input.prepared) return input.prepared.created;
      await waitForNetwork(input.network, input.run.clock);
      return input.run.clock.time('create', () => input.runtime.create(attemptContainerSpec(input, input.run)));
    }),
    attachContainer: fromPromise<AttachedContainer, FeatureContext>(async ({ input }) => {
      const { run } = input;
      const attempt = run.sinks();
      const sinks: OutputSinks = {
        ...attempt,
        end: () => {
          // The command's run is over when its output is; reading its exit code is the engine's part.
          run.clock.begin('exit');
          run.ended();
          input.outputEnded?.();
          attempt.end?.();
        },
      };
      if (!input.prepared) return run.clock.time('attach', () => input.container!.attach(sinks));
      const attached = await input.prepared.attached;
      input.prepared.connect(sinks);
      run.clock.end('ready');
      return attached;
    }),
    startContainer: fromPromise<void, FeatureContext>(({ input, signal }) =>
      input.run.clock.time('start', () => input.attached!.start(signal)),
    ),
    awaitExit: fromPromise<ContainerExit, FeatureContext>(async ({ input }) => {
      const { clock } = input.run;
      const runningAt = Date.now();
      const exit = await input.attached!.exited;
      clock.add('run', runningAt, clock.beganAt('exit') ?? Date.now());
      clock.end('exit');
      return exit;
    }),
    // The report came with the output; only a command that never returned to the shell (an `exec`), or wrote
    // no report at all, makes us look in the container.
    collectReport: fromPromise<void, FeatureContext>(({ input }) =>
      input.run.clock.time('collect', () =>
        input.run.collect(() => input.container!.readFile(input.spec.reportPath, MAX_REPORT_BYTES)),
      ),
    ),
    stopContainer: fromPromise<void, FeatureContext>(({ input }) => {
      const { run } = input;
      if (run.runningAt !== undefined) run.clock.add('run', run.runningAt, Date.now());
      return run.clock.time('stop', () => input.container!.stop(input.spec.stopGraceSeconds));
    }),
    removeContainer: fromPromise<void, FeatureContext>(({ input }) =>
      input.run.clock.time('remove', () => input.container!.remove()),
    ),
  },
  actions: {
    notify: ({ context }, state: FeatureState) => context.run.notify(state),
    // The container stopped running when its output ended, else at the first of collecting or removing, if it
    // ever ran.
    markEnded: ({ context }) => context.run.ended(),
    requestCancel: ({ context, event }) => context.run.stop(event.reason),
    recordProblem: ({ context }, params: { problem: string; engine: boolean }) =>
      context.run.fail(params.problem, params.engine),
  },
  guards: {
    cancelRequested: ({ context }) => context.run.stopReason !== undefined,
    hasTimeout: ({ context }) => context.spec.timeoutMs !== undefined,
  },
  delays: {
    // --timeout is one budget from the attempt's start to its end: each state that waits on it gets what is
    // left (0 when creating and attaching used it all: the timer then fires at once). setTimeout cannot wait
    // longer than 2^31-1 ms; without a timeout the guard above ignores the timer.
    featureTimeout: ({ context }) => context.run.remainingMs() ?? 2 ** 31 - 1,
  },
}).createMachine({
  id: 'feature',
  context: ({ input }) => ({
    ...input,
    run:
      input.prepared?.attempt ??
      new Attempt({
        files: input.files,
        ...(input.line === undefined ? {} : { line: input.line }),
        attempt: input.attempt,
        spec: input.spec,
        observer: input.observer,
      }),
  }),
  initial: 'creating',
  states: {
    creating: {
      entry: { type: 'notify', params: 'creating' },
      invoke: {
        src: 'createContainer',
        input: ({ context }) => context,
        onDone: [
          { guard: 'cancelRequested', target: 'removing', actions: assign({ container: ({ event }) => event.output }) },
          { target: 'attaching', actions: assign({ container: ({ event }) => event.output }) },
        ],
        onError: { target: 'done', actions: problem('could not create the container') },
      },
      on: { CANCEL: { actions: 'requestCancel' } },
    },
    attaching: {
      entry: { type: 'notify', params: 'attaching' },
      invoke: {
        src: 'attachContainer',
        input: ({ context }) => context,
        onDone: [
          { guard: 'cancelRequested', target: 'removing' },
          { target: 'starting', actions: assign({ attached: ({ event }) => event.output }) },
        ],
        onError: { target: 'removing', actions: problem('could not attach to the container') },
      },
      on: { CANCEL: { actions: 'requestCancel' } },
    },
    starting: {
      entry: { type: 'notify', params: 'starting' },
      invoke: {
        src: 'startContainer',
        input: ({ context }) => context,
        onDone: [
          { guard: 'cancelRequested', target: 'removing' },
          { target: 'running', actions: ({ context }) => context.run.running() },
        ],
        onError: { target: 'removing', actions: problem('could not start the container') },
      },
      // The container exists and removing it is safe at any point of its start; on a cluster the start may
      // wait long for a free node, which a cancellation must not sit out, nor a CI job past its --timeout.
      on: { CANCEL: { target: 'removing', actions: 'requestCancel' } },
      after: {
        featureTimeout: {
          guard: 'hasTimeout',
          target: 'removing',
          actions: ({ context }) =>
            context.run.timedOut(
              'before it started running (creating and starting the container, or waiting for a node, took it all)',
            ),
        },
      },
    },
    running: {
      entry: { type: 'notify', params: 'running' },
      invoke: {
        src: 'awaitExit',
        input: ({ context }) => context,
        onDone: { target: 'collecting', actions: ({ context, event }) => context.run.exited(event.output) },
        onError: { target: 'removing', actions: problem('lost the container while it ran') },
      },
      after: {
        featureTimeout: { guard: 'hasTimeout', target: 'stopping', actions: ({ context }) => context.run.timedOut() },
      },
      // Removing force-kills the container; there is nothing left to wait for.
      on: { CANCEL: { target: 'removing', actions: 'requestCancel' } },
    },
    stopping: {
      entry: { type: 'notify', params: 'stopping' },
      invoke: {
        src: 'stopContainer',
        input: ({ context }) => context,
        onDone: { target: 'removing' },
        onError: { target: 'removing' },
      },
      on: { CANCEL: { target: 'removing', actions: 'requestCancel' } },
    },
    collecting: {
      // The container has exited: from here its slot can go to the next job while the report is copied out and
      // the container removed. --concurrency bounds running containers, not engine bookkeeping.
      entry: [{ type: 'notify', params: 'collecting' }, 'markEnded'],
      invoke: {
        src: 'collectReport',
        input: ({ context }) => context,
        onDone: { target: 'removing' },
        // collect records what it could not read; only a bug gets here.
        onError: { target: 'removing', actions: problem('could not read the Cucumber report', false) },
      },
    },
    removing: {
      entry: [{ type: 'notify', params: 'removing' }, 'markEnded'],
      invoke: {
        src: 'removeContainer',
        input: ({ context }) => context,
        onDone: { target: 'done' },
        onError: { target: 'done', actions: problem('could not remove the container') },
      },
    },
    done: {
      type: 'final',
      entry: { type: 'notify', params: 'done' },
    },
  },
  output: ({ context }) => context.run.results(),
});
