import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { beforeCommandExit, beforeCommandLines } from '../attempt/feature-script.js';
import { createReportChannel, type ReportChannel } from '../attempt/report-channel.js';
import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  CreatedContainer,
} from '../runtime/container-runtime.js';
import { LOAD_FAILED, loadFailureOf } from './load-error.js';
import { RequestStream } from './request-stream.js';
import {
  WORKER_READY,
  workerCommand,
  exitLine,
  stdoutEndLine,
  workerEnv,
  workerRequest,
  type WorkerRequest,
} from './worker-program.js';

const READY_LINE = `${WORKER_READY}\n`;

/** Where one request's output goes: the attempt's stdout and stderr (its exit line taken out). */
export interface RequestSinks {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

/** How a request ended: the worker answered it, or the container ended first (crashed, killed, OOM). */
export type RequestOutcome =
  | { kind: 'answered'; exitCode: number }
  | {
      kind: 'worker-ended';
      exit: ContainerExit | undefined;
      /** Whether its support code had loaded (it said it was ready) before it ended. */
      loaded: boolean;
    };

export interface WorkerContainerOptions {
  /** The run's container spec: image, env, labels, limits. Its script is replaced by the worker's. */
  spec: Omit<ContainerSpec, 'script' | 'stdin'>;
  beforeCommand?: string;
  /** The run's command template: the worker is started through it, in place of cucumber-js. */
  command: string;
  /** Where the template's `{report}` points (the worker writes its own reports). */
  reportPath: string;
  /** Feature paths the support code is found from (the run's features). */
  supportPaths: readonly string[];
}

interface PendingRequest {
  stdout: RequestStream;
  stderr: RequestStream;
  resolve(outcome: RequestOutcome): void;
}

/**
 * A worker's life, one state at a time (as Vitest's pool runner keeps its own): `loading` its support code
 * (a request may already wait for it: the worker reads it once ready), `idle`, `busy` with one request, and
 * `ended`, for good. Every change goes through `to`, which refuses one the table does not allow.
 */
type WorkerState =
  | { name: 'loading'; waiting?: PendingRequest }
  | { name: 'idle' }
  | { name: 'busy'; request: PendingRequest }
  | { name: 'ended'; exit?: ContainerExit; error?: unknown; loaded: boolean };

const NEXT: Record<WorkerState['name'], readonly WorkerState['name'][]> = {
  loading: ['loading', 'busy', 'idle', 'ended'],
  idle: ['busy', 'ended'],
  busy: ['idle', 'ended'],
  ended: [],
};

/**
 * One warm worker: a container running warm-worker.mjs for a run, handed feature paths one request at a time
 * on its stdin. Its output is routed to the request in flight; between requests (the support code loading)
 * it is kept as the worker's own, for the error should it die before answering.
 */
export class WorkerContainer {
  private state: WorkerState = { name: 'loading' };
  private ownStderr = '';
  private readonly ownDecoder = new StringDecoder('utf8');
  private attached: AttachedContainer | undefined;
  /** What its support code failed to load with, as the worker said on its stderr before it ended. */
  private loadFailure: string | undefined;
  private loadSettle!: () => void;
  /** Settles once its support code loaded or it ended, whichever came first. */
  readonly loadSettled = new Promise<void>((resolve) => (this.loadSettle = resolve));
  /** The host it runs on, once started, when the runtime says. */
  node: string | undefined;

  private constructor(
    private readonly created: CreatedContainer,
    /** Where its --before-command tells a failure, before the worker program ever starts. */
    private readonly beforeChannel: ReportChannel,
  ) {}

  /** The code its --before-command failed with, if it did (the worker then never started). */
  get beforeCommandExit(): number | undefined {
    return beforeCommandExit(this.beforeChannel);
  }

  /** The container's id on the engine. */
  get id(): string {
    return this.created.id;
  }

  /** Whether the container still runs (it answers requests). */
  get alive(): boolean {
    return this.state.name !== 'ended';
  }

  /** Whether the worker said its support code is loaded. */
  get ready(): boolean {
    return this.state.name === 'ended' ? this.state.loaded : this.state.name !== 'loading';
  }

  /** What its support code failed to load with, once it ended because of that (before its ready line). */
  get loadError(): string | undefined {
    return this.state.name === 'ended' && !this.state.loaded ? this.loadFailure : undefined;
  }

  /** Creates, attaches and starts the worker container. The caller must `remove()` it in the end. */
  static async start(
    runtime: ContainerRuntime,
    options: WorkerContainerOptions,
    signal?: AbortSignal,
  ): Promise<WorkerContainer> {
    // A before-command that fails ends the worker before it starts, saying so as a feature's container does.
    const beforeChannel = createReportChannel(randomBytes(12).toString('hex'), 64, 'before');
    const script = [
      ...(options.beforeCommand ? beforeCommandLines(options.beforeCommand, beforeChannel) : []),
      workerCommand(options.command),
    ].join('\n');
    const created = await runtime.create({
      ...options.spec,
      script,
      env: { ...options.spec.env, ...workerEnv(options.supportPaths, options.reportPath) },
      stdin: true,
    });
    const worker = new WorkerContainer(created, beforeChannel);
    try {
      const attached = await created.attach({
        stdout: (chunk) => worker.onStdout(chunk),
        stderr: (chunk) => worker.onStderr(chunk),
      });
      worker.attached = attached;
      attached.exited.then(
        (exit) => worker.onEnded({ exit }),
        (error: unknown) => worker.onEnded({ error }),
      );
      await attached.start(signal);
      // Named once the runtime says (a cached engine call): the start never waits for it.
      void attached.node?.().then(
        (node) => (worker.node = node),
        () => undefined,
      );
      return worker;
    } catch (error) {
      await created.remove().catch(() => undefined);
      throw error;
    }
  }

  /** Hands the worker one request and resolves with its answer, or with the worker's end. */
  run(request: WorkerRequest, sinks: RequestSinks): Promise<RequestOutcome> {
    const state = this.state;
    if (state.name === 'ended')
      return Promise.resolve({ kind: 'worker-ended', exit: state.exit, loaded: state.loaded });
    if (state.name === 'busy' || (state.name === 'loading' && state.waiting))
      throw new Error('a warm worker runs one request at a time');
    return new Promise((resolve) => {
      const pending: PendingRequest = {
        stdout: new RequestStream(stdoutEndLine(request.id), sinks.stdout),
        // The ready line may arrive while the first request waits: it is the worker's, not the feature's.
        stderr: new RequestStream(exitLine(request.id), sinks.stderr, (line) => this.readyLine(line)),
        resolve,
      };
      this.to(state.name === 'loading' ? { name: 'loading', waiting: pending } : { name: 'busy', request: pending });
      this.attached!.stdin!.write(workerRequest(request));
    });
  }

  /** Asks the worker to finish (its stdin closes); it exits once the request in flight, if any, is done. */
  close(): void {
    if (this.alive) this.attached?.stdin?.end();
  }

  /** Resolves once the container ended. */
  async exited(): Promise<void> {
    await this.attached?.exited.catch(() => undefined);
  }

  stop(graceSeconds: number): Promise<void> {
    return this.created.stop(graceSeconds);
  }

  remove(): Promise<void> {
    return this.created.remove();
  }

  /** Why the container ended, for an error message: its exit, or the engine's error. */
  describeEnd(): string {
    const state = this.state;
    if (state.name !== 'ended') return 'it still runs';
    if (state.exit) return state.exit.oomKilled ? 'out of memory (OOMKilled)' : `exit code ${state.exit.exitCode}`;
    return state.error instanceof Error ? state.error.message : 'the container ended';
  }

  private to(next: WorkerState): void {
    if (!NEXT[this.state.name].includes(next.name))
      throw new Error(`a warm worker cannot go from ${this.state.name} to ${next.name}`);
    this.state = next;
  }

  /** The request in flight, or the one waiting for the support code: its output is the feature's. */
  private get request(): PendingRequest | undefined {
    const state = this.state;
    return state.name === 'busy' ? state.request : state.name === 'loading' ? state.waiting : undefined;
  }

  /**
   * The worker's own lines while it loads, never the feature's: its ready line (the support code loaded, and a
   * waiting request is now in flight), or the one that says the support code failed to load.
   */
  private readyLine(line: string): boolean {
    if (this.state.name !== 'loading') return false;
    if (line.startsWith(LOAD_FAILED)) {
      this.loadFailure ??= loadFailureOf(line);
      return true;
    }
    if (line !== WORKER_READY) return false;
    this.becomeReady();
    return true;
  }

  private becomeReady(): void {
    const state = this.state;
    if (state.name !== 'loading') return;
    this.to(state.waiting ? { name: 'busy', request: state.waiting } : { name: 'idle' });
    this.loadSettle();
  }

  private onStdout(chunk: Buffer): void {
    const request = this.request;
    // Between requests the worker writes nothing on stdout of its own: nothing to keep.
    if (!request) return;
    request.stdout.push(chunk);
    this.answerIfDone(request);
  }

  private onStderr(raw: Buffer): void {
    // The before-command's section comes first, if at all: nobody's output but the worker's shell's.
    const chunk = this.beforeChannel.filter(raw);
    const request = this.request;
    if (!request || request.stderr.ended) {
      this.keepOwn(this.ownDecoder.write(chunk));
      if (this.state.name === 'loading' && this.ownStderr.includes(READY_LINE)) this.becomeReady();
      return;
    }
    request.stderr.push(chunk);
    if (request.stderr.ended) this.keepOwn(request.stderr.after, true);
    this.answerIfDone(request);
  }

  /** The worker's own stderr, between requests: its last few kB, for its ready line, split across chunks or not. */
  private keepOwn(text: string, fresh = false): void {
    this.ownStderr = ((fresh ? '' : this.ownStderr) + text).slice(-8192);
  }

  /** The engine carries the two streams apart: a request is answered once both said they ended. */
  private answerIfDone(request: PendingRequest): void {
    const exit = request.stderr.ended;
    if (!exit || !request.stdout.ended) return;
    this.to({ name: 'idle' });
    request.resolve({ kind: 'answered', exitCode: Number(exit[1]) });
  }

  /** The load failure line among the worker's own stderr, if it said one there. */
  private ownLoadFailure(): string | undefined {
    const line = this.ownStderr.split('\n').find((own) => own.startsWith(LOAD_FAILED));
    return line === undefined ? undefined : loadFailureOf(line);
  }

  private onEnded(end: { exit?: ContainerExit; error?: unknown }): void {
    const request = this.request;
    const loaded = this.ready;
    // Said while no request waited: kept with the worker's own stderr.
    if (!loaded) this.loadFailure ??= this.ownLoadFailure();
    this.to({ name: 'ended', ...end, loaded });
    this.loadSettle();
    if (request) {
      request.stdout.flush();
      request.stderr.flush();
      request.resolve({ kind: 'worker-ended', exit: end.exit, loaded });
    }
  }
}
