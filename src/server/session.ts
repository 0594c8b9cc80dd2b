import { StreamNameSchema } from '../domain/feature-run.js';
import { availableParallelism } from 'node:os';
import type { WebSocket } from 'ws';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { rejectionCode } from './rejection.js';
import { decodeClientMessage, encodeMessage } from '../protocol/codec.js';
import type { ClientMessage, ServerErrorCode, ServerMessage, Unversioned } from '../protocol/messages.js';
import type { RunObserver } from '../dispatcher/run-observer.js';
import type { Logger } from './logger.js';
import type { PreparedRun, RunAdmission, StartedRun } from './run-admission.js';
import { TokenBucket } from './rate-limit.js';
import { DEFAULT_LIMITS } from './server-limits.js';
import { Utf8Chunks } from '../util/utf8-chunks.js';

/** A client that stops reading is cut off once this much is waiting to be sent to it. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Messages a client may send: a burst, then this many a second (a real client sends a handful per run). */
const MESSAGES_PER_SECOND = 50;
const MESSAGE_BURST = 200;

/**
 * One client connection. It owns the runs the client submitted: when the connection goes, they are
 * cancelled, so a vanished client never leaves containers running.
 */
export class Session {
  private readonly runs = new Map<string, StartedRun>();
  private readonly budget = new TokenBucket(MESSAGES_PER_SECOND, MESSAGE_BURST);
  private submitting = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly admission: RunAdmission,
    private readonly log: Logger,
    private readonly maxRuns: number = DEFAULT_LIMITS.maxRunsPerConnection,
  ) {
    socket.on('message', (data, isBinary) => {
      if (!this.budget.take()) {
        this.log.warn('client is flooding; closing its connection');
        return socket.close(1008, 'too many messages');
      }
      if (isBinary) return this.sendError('BAD_MESSAGE', 'binary messages are not part of the protocol');
      void this.receive(data.toString());
    });
    socket.on('close', () => this.cancelAll('client disconnected'));
    socket.on('error', (error) => this.log.warn({ err: error }, 'connection error'));
  }

  private async receive(raw: string): Promise<void> {
    const decoded = decodeClientMessage(raw);
    if (!decoded.ok) return this.sendError('BAD_MESSAGE', decoded.error);
    await this.handle(decoded.message);
  }

  private async handle(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'run.submit':
        return this.submit(message);
      case 'run.cancel': {
        const run = this.runs.get(message.runId);
        if (!run)
          return this.sendError('BAD_MESSAGE', `no run ${message.runId} on this connection`, { runId: message.runId });
        this.log.info({ runId: message.runId, reason: message.reason }, 'run cancelled by client');
        return run.cancel();
      }
    }
  }

  private async submit(message: Extract<ClientMessage, { type: 'run.submit' }>): Promise<void> {
    const { requestId, spec } = message;
    if (this.runs.size + this.submitting >= this.maxRuns) {
      return this.sendError(
        'RUN_REJECTED',
        `this connection already has ${this.maxRuns} runs going, the server's limit`,
        {
          requestId,
          hint: 'wait for one to finish, or start the server with a higher --max-runs-per-connection',
        },
      );
    }
    let prepared: PreparedRun;
    this.submitting++;
    try {
      prepared = await this.admission.prepare(spec);
    } catch (error) {
      const code = rejectionCode(error);
      const hint = error instanceof BaleenError ? error.hint : undefined;
      return this.sendError(code, messageOf(error), { requestId, ...(hint ? { hint } : {}) });
    } finally {
      this.submitting--;
    }
    if (!this.isOpen()) return;
    const { runId } = prepared;
    this.log.info(
      {
        runId,
        image: spec.image,
        features: spec.features.length,
        concurrency: spec.concurrency,
        probeMs: prepared.probeMs,
        probeCached: prepared.probeCached,
      },
      'run accepted',
    );
    this.send({
      type: 'run.accepted',
      requestId,
      runId,
      features: spec.features,
      concurrency: spec.concurrency,
      cpus: availableParallelism(),
      probeMs: prepared.probeMs,
      ...(prepared.notes.length === 0 ? {} : { notes: [...prepared.notes] }),
      ...(prepared.scenarioJobs === undefined ? {} : { scenarioJobs: prepared.scenarioJobs }),
    });
    let run: StartedRun;
    try {
      run = prepared.start(this.observerFor(runId));
    } catch (error) {
      return this.sendError('INTERNAL', messageOf(error), { runId });
    }
    this.runs.set(runId, run);
    try {
      const outcome = await run.finished;
      this.log.info({ runId, ...outcome }, 'run finished');
      this.send({ type: 'run.finished', runId, status: outcome.status, durationMs: outcome.durationMs });
    } catch (error) {
      this.log.error({ runId, err: error }, 'run crashed');
      this.sendError('INTERNAL', `run crashed: ${messageOf(error)}`, { runId });
    } finally {
      this.runs.delete(runId);
    }
  }

  private observerFor(runId: string): RunObserver {
    const text = new Utf8Chunks(StreamNameSchema.options);
    return {
      state: (file, attempt, state, slot) =>
        this.send({
          type: 'feature.state',
          runId,
          file,
          attempt,
          state,
          at: Date.now(),
          ...(slot === undefined ? {} : { slot }),
        }),
      output: (file, attempt, stream, chunk) => {
        const data = text.write(file, attempt, stream, chunk);
        if (data !== '') this.send({ type: 'feature.output', runId, file, attempt, stream, data });
      },
      artifact: (file, attempt, { path, data, end }) =>
        this.send({ type: 'feature.artifact', runId, file, attempt, path, data: data.toString('base64'), end }),
      waiting: (place) => this.send({ type: 'run.waiting', runId, place }),
      result: (result, final) => {
        const { file, attempt } = result;
        for (const { stream, data } of text.end(file, attempt))
          this.send({ type: 'feature.output', runId, file, attempt, stream, data });
        this.send({ type: 'feature.result', runId, result, final });
      },
    };
  }

  private cancelAll(reason: string): void {
    for (const [runId, run] of this.runs) {
      this.log.info({ runId, reason }, 'cancelling run');
      run.cancel();
    }
  }

  private isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  private send(message: Unversioned<ServerMessage>): void {
    if (!this.isOpen()) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ buffered: this.socket.bufferedAmount }, 'client is not reading; closing its connection');
      this.socket.terminate();
      return;
    }
    this.socket.send(encodeMessage(message));
  }

  private sendError(
    code: ServerErrorCode,
    message: string,
    extra: { requestId?: string; runId?: string; hint?: string } = {},
  ): void {
    this.send({ type: 'error', code, message, ...extra });
  }
}
