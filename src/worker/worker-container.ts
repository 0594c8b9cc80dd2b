import { randomBytes } from 'node:crypto';
import type { AttachedContainer, ContainerExit, ContainerRuntime, ContainerSpec, CreatedContainer } from '../runtime/container-runtime.js';
import { createReportChannel, type ReportChannel } from '../actors/report-channel.js';
import { WORKER_COMMAND, WORKER_READY, workerEnv, workerRequest } from './worker-program.js';

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
  sinks: RequestSinks;
  /** The tail of the user's stderr that may still be the start of the exit line. */
  held: string;
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
  static async start(runtime: ContainerRuntime, options: WorkerContainerOptions, signal?: AbortSignal): Promise<WorkerContainer> {
    const script = [...(options.beforeCommand ? [options.beforeCommand] : []), WORKER_COMMAND].join('\n');
    const created = await runtime.create({
      ...options.spec,
      script,
      env: { ...options.spec.env, ...workerEnv(options.supportPaths) },
      stdin: true,
    });
    const worker = new WorkerContainer(created, options.maxReportBytes);
    try {
      const attached = await created.attach({ stdout: (chunk) => worker.onStdout(chunk), stderr: (chunk) => worker.onStderr(chunk) });
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

  /** Hands the worker feature paths (`path:line` allowed) and resolves with its answer, or with its end. */
  run(paths: readonly string[], sinks: RequestSinks): Promise<RequestOutcome> {
    if (this.pending) throw new Error('a warm worker runs one request at a time');
    if (this.hasEnded) return Promise.resolve({ kind: 'worker-ended', exit: this.ended });
    const id = randomBytes(12).toString('hex');
    return new Promise((resolve) => {
      this.pending = { id, channel: createReportChannel(id, this.maxReportBytes), sinks, held: '', resolve };
      this.attached!.stdin!.write(workerRequest(id, paths));
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
    this.pending?.sinks.stdout(chunk);
  }

  private onStderr(chunk: Buffer): void {
    const request = this.pending;
    if (!request) {
      this.readySeen ||= chunk.includes(READY_LINE);
      // Kept only for an error message: the last few kB.
      this.ownStderr = (this.ownStderr + chunk.toString()).slice(-8192);
      return;
    }
    let text = request.held + request.channel.filter(chunk).toString();
    // The worker's ready line may arrive while the first request waits: it is the worker's, not the feature's.
    if (!this.readySeen && text.includes(READY_LINE)) {
      this.readySeen = true;
      text = text.replace(READY_LINE, '');
    }
    // The nonce makes the line unmistakable wherever it starts (the user's output may not have ended its line).
    const exitLine = new RegExp(`baleen-worker-${request.id}-exit (\\d+)\\n`).exec(text);
    if (exitLine) {
      const before = text.slice(0, exitLine.index);
      if (before) request.sinks.stderr(Buffer.from(before));
      this.pending = undefined;
      // What follows the exit line is the worker's, between requests.
      this.ownStderr = text.slice(exitLine.index + exitLine[0].length);
      request.resolve({ kind: 'answered', exitCode: Number(exitLine[1]), report: request.channel.report(), reportOverflow: request.channel.overflow });
      return;
    }
    // Pass on all but a last unfinished line, which may be the start of the exit line.
    const lastNewline = text.lastIndexOf('\n');
    const complete = text.slice(0, lastNewline + 1);
    request.held = text.slice(lastNewline + 1);
    if (complete) request.sinks.stderr(Buffer.from(complete));
  }

  private onEnded(exit: ContainerExit | undefined, error: unknown): void {
    this.hasEnded = true;
    this.ended = exit;
    this.endedWith = error;
    const request = this.pending;
    if (request) {
      this.pending = undefined;
      if (request.held) request.sinks.stderr(Buffer.from(request.held));
      request.resolve({ kind: 'worker-ended', exit });
    }
  }

  /** Why the container ended, for an error message: its exit, or the engine's error. */
  describeEnd(): string {
    if (this.ended) return this.ended.oomKilled ? 'out of memory (OOMKilled)' : `exit code ${this.ended.exitCode}`;
    return this.endedWith instanceof Error ? this.endedWith.message : 'the container ended';
  }
}
