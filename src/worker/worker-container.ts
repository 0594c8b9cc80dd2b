import { randomBytes } from 'node:crypto';
import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  CreatedContainer,
} from '../runtime/container-runtime.js';
import { createReportChannel, type ReportChannel } from '../actors/report-channel.js';
import { beforeCommandLines } from '../actors/feature-script.js';
import { RequestStream } from './request-stream.js';
import { WORKER_COMMAND, WORKER_READY, exitLine, stdoutEndLine, workerEnv, workerRequest } from './worker-program.js';

const READY_LINE = `${WORKER_READY}\n`;

/** Where one request's output goes: the feature's own stdout and stderr (its report and exit line taken out). */
export interface RequestSinks {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

/** How a request ended: the worker answered it, or the container ended first (crashed, killed, OOM). */
export type RequestOutcome =
  | { kind: 'answered'; exitCode: number; report: Buffer | undefined; reportOverflow: boolean }
  | { kind: 'worker-ended'; exit: ContainerExit | undefined };

export interface WorkerContainerOptions {
  /** The run's container spec: image, env, labels, limits. Its script is replaced by the worker's. */
  spec: Omit<ContainerSpec, 'script' | 'stdin'>;
  beforeCommand?: string;
  /** Feature paths the support code is found from (the run's features). */
  supportPaths: readonly string[];
  maxReportBytes: number;
}

interface PendingRequest {
  id: string;
  channel: ReportChannel;
  stdout: RequestStream;
  stderr: RequestStream;
  resolve(outcome: RequestOutcome): void;
}

/**
 * One warm worker: a container running warm-worker.mjs for a run, handed feature paths one request at a time
 * on its stdin. Its output is routed to the request in flight; between requests (the support code loading)
 * it is kept as the worker's own, for the error should it die before answering.
 */
export class WorkerContainer {
  private pending: PendingRequest | undefined;
  private ownStderr = '';
  private ended: ContainerExit | undefined;
  private endedWith: unknown;
  private hasEnded = false;
  private readySeen = false;

  private constructor(
    private readonly created: CreatedContainer,
    private readonly maxReportBytes: number,
  ) {}

  /** The container's id on the engine. */
  get id(): string {
    return this.created.id;
  }

  /** Whether the container has ended (it answers no more requests). */
  get alive(): boolean {
    return !this.hasEnded;
  }

  /** What the worker wrote on stderr outside any request: the support code's errors, should it fail to load. */
  get stderrOutsideRequests(): string {
    return this.ownStderr;
  }

  /** Creates, attaches and starts the worker container. The caller must `remove()` it in the end. */
  static async start(
    runtime: ContainerRuntime,
    options: WorkerContainerOptions,
    signal?: AbortSignal,
  ): Promise<WorkerContainer> {
    // A before-command that fails ends the worker before it starts, saying so as a feature's container does.
    const script = [...(options.beforeCommand ? beforeCommandLines(options.beforeCommand) : []), WORKER_COMMAND].join(
      '\n',
    );
    const created = await runtime.create({
      ...options.spec,
      script,
      env: { ...options.spec.env, ...workerEnv(options.supportPaths) },
      stdin: true,
    });
    const worker = new WorkerContainer(created, options.maxReportBytes);
    try {
      const attached = await created.attach({
        stdout: (chunk) => worker.onStdout(chunk),
        stderr: (chunk) => worker.onStderr(chunk),
      });
      worker.follow(attached);
      await attached.start(signal);
      return worker;
    } catch (error) {
      await created.remove().catch(() => undefined);
      throw error;
    }
  }

  private attached: AttachedContainer | undefined;

  private follow(attached: AttachedContainer): void {
    this.attached = attached;
    attached.exited.then(
      (exit) => this.onEnded(exit, undefined),
      (error: unknown) => this.onEnded(undefined, error),
    );
  }

  /** Whether the worker said its support code is loaded. */
  get ready(): boolean {
    return this.readySeen;
  }

  /**
   * Hands the worker feature paths (`path:line` allowed; a tag expression to select among their scenarios) and
   * resolves with its answer, or with its end.
   */
  run(paths: readonly string[], sinks: RequestSinks, tags?: string): Promise<RequestOutcome> {
    if (this.pending) throw new Error('a warm worker runs one request at a time');
    if (this.hasEnded) return Promise.resolve({ kind: 'worker-ended', exit: this.ended });
    const id = randomBytes(12).toString('hex');
    return new Promise((resolve) => {
      // The ready line may arrive while the first request waits: it is the worker's, not the feature's.
      const ownLine = (line: string) => {
        if (this.readySeen || line !== WORKER_READY) return false;
        this.readySeen = true;
        return true;
      };
      this.pending = {
        id,
        channel: createReportChannel(id, this.maxReportBytes),
        stdout: new RequestStream(stdoutEndLine(id), sinks.stdout),
        stderr: new RequestStream(exitLine(id), sinks.stderr, ownLine),
        resolve,
      };
      this.attached!.stdin!.write(workerRequest(id, paths, tags));
    });
  }

  /** Asks the worker to finish (its stdin closes); it exits once the request in flight, if any, is done. */
  close(): void {
    if (!this.hasEnded) this.attached?.stdin?.end();
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

  private onStdout(chunk: Buffer): void {
    const request = this.pending;
    // Between requests the worker writes nothing on stdout of its own: nothing to keep.
    if (!request) return;
    request.stdout.push(chunk);
    this.answerIfDone(request);
  }

  private onStderr(chunk: Buffer): void {
    const request = this.pending;
    if (!request || request.stderr.ended) {
      this.readySeen ||= chunk.includes(READY_LINE);
      this.keepOwn(chunk.toString());
      return;
    }
    request.stderr.push(request.channel.filter(chunk));
    if (request.stderr.ended) this.keepOwn(request.stderr.after, true);
    this.answerIfDone(request);
  }

  /** The worker's own stderr, between requests: kept only for an error message, its last few kB. */
  private keepOwn(text: string, fresh = false): void {
    this.ownStderr = ((fresh ? '' : this.ownStderr) + text).slice(-8192);
  }

  /** The engine carries the two streams apart: a request is answered once both said they ended. */
  private answerIfDone(request: PendingRequest): void {
    const exit = request.stderr.ended;
    if (!exit || !request.stdout.ended) return;
    this.pending = undefined;
    request.resolve({
      kind: 'answered',
      exitCode: Number(exit[1]),
      report: request.channel.report(),
      reportOverflow: request.channel.overflow,
    });
  }

  private onEnded(exit: ContainerExit | undefined, error: unknown): void {
    this.hasEnded = true;
    this.ended = exit;
    this.endedWith = error;
    const request = this.pending;
    if (request) {
      this.pending = undefined;
      request.stdout.flush();
      request.stderr.flush();
      request.resolve({ kind: 'worker-ended', exit });
    }
  }

  /** Why the container ended, for an error message: its exit, or the engine's error. */
  describeEnd(): string {
    if (this.ended) return this.ended.oomKilled ? 'out of memory (OOMKilled)' : `exit code ${this.ended.exitCode}`;
    return this.endedWith instanceof Error ? this.endedWith.message : 'the container ended';
  }
}
