import { randomBytes } from 'node:crypto';
import { assign, fromPromise, setup } from 'xstate';
import { commandWritesReport, type RunSpec } from '../domain/run-spec.js';
import type { CucumberJson } from '../cucumber-json/schema.js';
import type { FeatureResult, FeatureState, StopReason, StreamName } from '../domain/feature-run.js';
import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  CreatedContainer,
} from '../runtime/container-runtime.js';
import { containerLabels } from '../runtime/labels.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { OutputTailBuffer } from '../util/output-tail.js';
import { formatDuration } from '../util/text.js';
import { batchMembers, type BatchEvidence, type BatchMember } from '../batch/batch-members.js';
import { classifyOutcome } from './classify-outcome.js';
import { featureScript } from './feature-script.js';
import { createReportChannel, type ReportChannel } from './report-channel.js';
import { parseReport, type ParsedReport } from './parse-report.js';
import { base64Budget, collectCommand } from '../artifacts/collect-command.js';
import { extractArtifacts } from '../artifacts/extract-artifacts.js';
import type { CollectedArtifacts } from '../domain/feature-run.js';
import type { AttemptPhaseName } from '../domain/attempt-phases.js';
import { PhaseClock } from '../util/phase-clock.js';

/** How much of each stream a result carries; the whole stream goes to the observer as it arrives. */
export const OUTPUT_TAIL_BYTES = 256 * 1024;
/** A Cucumber JSON report larger than this is refused rather than read into memory. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** What an attempt sees of its run's network. */
export interface RunNetworkView {
  name: string;
  ready: Promise<void>;
  /** Whether `ready` has settled already. */
  settled(): boolean;
}

export interface FeatureObserver {
  state(file: string, attempt: number, state: FeatureState): void;
  output(file: string, attempt: number, stream: StreamName, chunk: Buffer): void;
}

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
}

interface FeatureContext extends FeatureInput {
  container?: CreatedContainer;
  attached?: AttachedContainer;
  exit?: ContainerExit;
  report: CucumberJson | null;
  /** The report as Cucumber Messages (NDJSON), when the command wrote it so; `report` is read from it. */
  messages?: string;
  artifacts?: CollectedArtifacts;
  problem?: string;
  /** Set when the run asked this feature to stop; honoured as soon as the current step allows. */
  stopReason?: StopReason;
  engineFailure: boolean;
  startedAt?: number;
  /** When the container's command started running, and when it stopped running (epoch ms), for a timeline. */
  runningAt?: number;
  endedAt?: number;
  stdout: OutputTailBuffer;
  stderr: OutputTailBuffer;
  /** Where the attempt's time went, phase by phase (see domain/attempt-phases.ts). */
  clock: PhaseClock<AttemptPhaseName>;
  reportChannel: ReportChannel;
  /** The files --collect asked for, framed on stderr after the report. */
  artifactChannel: ReportChannel;
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
 * One attempt of a feature file, following its container: creating → attaching → starting → running →
 * collecting → removing → done. Whatever happens after the container exists, the machine passes through
 * `removing`, so no path leaves a container behind. The dispatcher spawns it once the job has a slot, and
 * takes the slot back when the machine reports a state past the container's run (see actors/feature-launcher.ts).
 * CANCEL during a step that must not be torn in half (creating, attaching) is remembered and
 * honoured when that step ends; in collecting and removing the container has exited already, and the
 * feature keeps its real outcome.
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
      await waitForNetwork(input);
      return input.clock.time('create', () => createIn(input));
    }),
    attachContainer: fromPromise<AttachedContainer, FeatureContext>(({ input }) =>
      input.clock.time('attach', () =>
        input.container!.attach({
          stdout: (chunk) => {
            input.stdout.push(chunk);
            // A batch's features share one process, whose output is logged once, as its first feature's.
            input.observer.output(input.files[0]!, input.attempt, 'stdout', chunk);
          },
          stderr: (chunk) => stderrOf(input, input.artifactChannel.filter(input.reportChannel.filter(chunk))),
          end: () => {
            // The command's run is over when its output is; reading its exit code is the engine's part.
            input.clock.begin('exit');
            stderrOf(input, input.artifactChannel.filter(input.reportChannel.flush()));
            stderrOf(input, input.artifactChannel.flush());
          },
        }),
      ),
    ),
    startContainer: fromPromise<void, FeatureContext>(({ input, signal }) =>
      input.clock.time('start', () => input.attached!.start(signal)),
    ),
    awaitExit: fromPromise<ContainerExit, FeatureContext>(async ({ input }) => {
      const runningAt = Date.now();
      const exit = await input.attached!.exited;
      input.clock.add('run', runningAt, input.clock.beganAt('exit') ?? Date.now());
      input.clock.end('exit');
      return exit;
    }),
    collectReport: fromPromise<CollectedReport, FeatureContext>(({ input }) =>
      input.clock.time('collect', () => collectReport(input)),
    ),
    stopContainer: fromPromise<void, FeatureContext>(({ input }) => {
      if (input.runningAt !== undefined) input.clock.add('run', input.runningAt, Date.now());
      return input.clock.time('stop', () => input.container!.stop(input.spec.stopGraceSeconds));
    }),
    removeContainer: fromPromise<void, FeatureContext>(({ input }) =>
      input.clock.time('remove', () => input.container!.remove()),
    ),
  },
  actions: {
    notify: ({ context }, state: FeatureState) => {
      for (const file of context.files) context.observer.state(file, context.attempt, state);
    },
    // The container stopped running at the first of collecting or removing, if it ever ran.
    markEnded: assign({
      endedAt: ({ context }) => context.endedAt ?? (context.runningAt === undefined ? undefined : Date.now()),
    }),
    // The first reason stands: an interrupt after fail-fast does not make skipped features cancelled ones.
    requestCancel: assign({ stopReason: ({ context, event }) => context.stopReason ?? event.reason }),
    // The first problem is the cause; a later one (say, removal failing after a failed start) must not hide it.
    recordProblem: assign(({ context }, params: { problem: string; engine: boolean }) =>
      context.problem === undefined ? { problem: params.problem, engineFailure: params.engine } : {},
    ),
  },
  guards: {
    cancelRequested: ({ context }) => context.stopReason !== undefined,
    hasTimeout: ({ context }) => context.spec.timeoutMs !== undefined,
  },
  delays: {
    // --timeout is one budget from the container's creation to its end: each state that waits on it gets
    // what is left (0 when creating and attaching used it all: the timer then fires at once). setTimeout
    // cannot wait longer than 2^31-1 ms; without a timeout the guard above ignores the timer.
    featureTimeout: ({ context }) =>
      context.spec.timeoutMs === undefined
        ? 2 ** 31 - 1
        : Math.max(0, (context.startedAt ?? Date.now()) + context.spec.timeoutMs - Date.now()),
  },
}).createMachine({
  id: 'feature',
  context: ({ input }) => ({
    ...input,
    report: null,
    engineFailure: false,
    stdout: new OutputTailBuffer(OUTPUT_TAIL_BYTES),
    stderr: new OutputTailBuffer(OUTPUT_TAIL_BYTES),
    clock: new PhaseClock(),
    reportChannel: createReportChannel(randomBytes(12).toString('hex'), MAX_REPORT_BYTES),
    artifactChannel: createReportChannel(
      randomBytes(12).toString('hex'),
      base64Budget(input.spec.collectMaxBytes),
      'artifacts',
    ),
  }),
  initial: 'creating',
  states: {
    creating: {
      entry: [{ type: 'notify', params: 'creating' }, assign({ startedAt: () => Date.now() })],
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
        onDone: [{ guard: 'cancelRequested', target: 'removing' }, { target: 'running' }],
        onError: { target: 'removing', actions: problem('could not start the container') },
      },
      // The container exists and removing it is safe at any point of its start; on a cluster the start may
      // wait long for a free node, which a cancellation must not sit out, nor a CI job past its --timeout.
      on: { CANCEL: { target: 'removing', actions: 'requestCancel' } },
      after: {
        featureTimeout: {
          guard: 'hasTimeout',
          target: 'removing',
          actions: {
            type: 'recordProblem',
            params: ({ context }) => ({
              problem: `timed out after ${formatDuration(context.spec.timeoutMs!)} before it started running (creating and starting the container, or waiting for a node, took it all)`,
              engine: false,
            }),
          },
        },
      },
    },
    running: {
      entry: [{ type: 'notify', params: 'running' }, assign({ runningAt: () => Date.now() })],
      invoke: {
        src: 'awaitExit',
        input: ({ context }) => context,
        onDone: { target: 'collecting', actions: assign({ exit: ({ event }) => event.output }) },
        onError: { target: 'removing', actions: problem('lost the container while it ran') },
      },
      after: {
        featureTimeout: {
          guard: 'hasTimeout',
          target: 'stopping',
          actions: {
            type: 'recordProblem',
            params: ({ context }) => ({
              problem: `timed out after ${formatDuration(context.spec.timeoutMs!)}`,
              engine: false,
            }),
          },
        },
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
        onDone: { target: 'removing', actions: assign(({ event }) => event.output) },
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
  output: ({ context }) => toResults(context),
});

/** Every container of a run waits for the run's network; only the first ones find it not made yet. */
async function waitForNetwork(context: FeatureContext): Promise<void> {
  if (context.network.settled()) return context.network.ready;
  return context.clock.time('network', () => context.network.ready);
}

function createIn(input: FeatureContext): Promise<CreatedContainer> {
  return input.runtime.create({
    image: input.spec.image,
    script: featureScript({
      command: input.spec.command,
      files: input.files,
      line: input.line,
      reportPath: input.spec.reportPath,
      tags: input.spec.tags,
      beforeCommand: input.spec.beforeCommand,
      trailer: input.reportChannel.trailer(
        input.spec.reportPath,
        input.spec.collect.length === 0
          ? []
          : [input.artifactChannel.section(collectCommand(input.spec.collect, input.spec.collectMaxBytes))],
      ),
    }),
    workDir: input.spec.workDir,
    // The feature (a batch's, one a line) and attempt are told to the container too: a command may label
    // its output with them.
    env: {
      ...input.spec.env,
      BALEEN_FEATURE: input.files.join('\n'),
      ...(input.line === undefined ? {} : { BALEEN_LINE: String(input.line) }),
      BALEEN_ATTEMPT: String(input.attempt),
    },
    limits: { memoryBytes: input.spec.memoryBytes, nanoCpus: input.spec.nanoCpus },
    stopGraceSeconds: input.spec.stopGraceSeconds,
    constraints: input.spec.constraints,
    network: input.network.name,
    labels: {
      ...containerLabels({
        runId: input.runId,
        serverId: input.serverId,
        owner: input.owner,
        feature: input.files[0]!,
        line: input.line,
        attempt: input.attempt,
      }),
    },
  });
}

/** The report came with the output; only a command that never returned to the shell (an `exec`), or wrote no report at all, makes us look in the container. */
async function collectReport(input: FeatureContext): Promise<CollectedReport> {
  const channel = input.reportChannel;
  if (channel.overflow) throw new Error(`the report is over the limit of ${MAX_REPORT_BYTES} bytes`);
  const bytes = channel.report() ?? (await input.container!.readFile(input.spec.reportPath, MAX_REPORT_BYTES));
  const collected = await collectedArtifacts(input);
  return {
    ...(bytes === undefined ? { report: null } : parseReport(bytes, input.spec.reportPath)),
    ...(collected === undefined ? {} : { artifacts: collected }),
  };
}

/** The user's part of the container's stderr, once the report channel has taken its own out. */
function stderrOf(context: FeatureContext, visible: Buffer): void {
  if (visible.length === 0) return;
  context.stderr.push(visible);
  context.observer.output(context.files[0]!, context.attempt, 'stderr', visible);
}

/** One result per feature: a batch's by its share of the batch's report (see batch/batch-members.ts). */
function toResults(context: FeatureContext): FeatureResult[] {
  const stdout = context.stdout.toTail();
  const stderr = context.stderr.toTail();
  const evidence: BatchEvidence = {
    exit: context.exit,
    report: context.report,
    problem: context.problem,
    stopReason: context.stopReason,
    stderrTail: stderr.text,
    reportPath: context.spec.reportPath,
    image: context.spec.image,
    reportExpected: commandWritesReport(context.spec.command),
  };
  const durationMs = context.startedAt === undefined ? 0 : Date.now() - context.startedAt;
  const members: BatchMember[] =
    context.files.length === 1
      ? [
          {
            file: context.files[0]!,
            outcome: classifyOutcome({ ...evidence, file: context.files[0]!, expectedLines: expectedLinesOf(context) }),
            report: context.report,
            durationMs,
          },
        ]
      : batchMembers(context.files, evidence, context.spec.expectedScenarioLines, durationMs);
  return members.map(({ file, outcome, report, durationMs: share }) => ({
    file,
    attempt: context.attempt,
    status: outcome.status,
    flaky: false,
    previousAttempts: [],
    exitCode: context.exit?.exitCode ?? null,
    durationMs: share,
    stdout,
    stderr,
    cucumberJson: report,
    // A batch's messages hold every feature of it: they are kept for a feature that ran alone only.
    ...(context.messages === undefined || context.files.length > 1 ? {} : { cucumberMessages: context.messages }),
    // A batch's collected files are the batch's: they come back once, with its first feature.
    ...(context.artifacts === undefined
      ? {}
      : { artifacts: file === context.files[0] ? context.artifacts : collectedWith(context.files[0]!) }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    // An engine failure that a cancellation caused (a create interrupted mid-way) is not the engine's fault.
    engineFailure: context.engineFailure && outcome.status === 'error',
    ...(context.exit?.node === undefined ? {} : { node: context.exit.node }),
    ...(context.runningAt === undefined ? {} : { containerStartedAt: context.runningAt }),
    ...(context.endedAt === undefined ? {} : { containerEndedAt: context.endedAt }),
    // A batch's container is its first feature's, as its output is.
    ...(file === context.files[0] ? { phases: context.clock.phases() } : { batchFirst: context.files[0]! }),
  }));
}

/** The collection of a batch's feature but its first: the batch's files are that first feature's. */
function collectedWith(first: string): CollectedArtifacts {
  return { files: [], note: `collected once for its batch: see ${first}'s files` };
}

/** What a feature's report must show ran and passed: the one scenario of a scenario job, else every expected one. */
function expectedLinesOf(context: FeatureContext): readonly number[] | undefined {
  return context.line === undefined ? context.spec.expectedScenarioLines[context.files[0]!] : [context.line];
}

interface CollectedReport extends ParsedReport {
  artifacts?: CollectedArtifacts;
}

/** What --collect brought back; a command that never returned to its shell (an `exec`) sent nothing, and the result says so. */
async function collectedArtifacts(context: FeatureContext): Promise<CollectedArtifacts | undefined> {
  if (context.spec.collect.length === 0) return undefined;
  const sent = context.artifactChannel.report();
  if (sent === undefined) {
    const why = context.artifactChannel.overflow
      ? 'more than the cap came back'
      : 'the command did not return to its shell';
    return { files: [], note: `nothing collected: ${why}` };
  }
  // Whatever came back, the feature's report and verdict stand: a collection that cannot be read is a note.
  return extractArtifacts(sent, context.spec.collectMaxBytes, context.spec.collect).catch((error: unknown) => ({
    files: [],
    note: `nothing collected: ${messageOf(error)}`,
  }));
}
