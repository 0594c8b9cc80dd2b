import { randomUUID } from 'node:crypto';
import type { FeatureResult, RunStatus } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import { outcomeOf, type RunInfo, type RunOutcome } from '../domain/run-outcome.js';
import { BaleenError, type ErrorCode } from '../errors/baleen-error.js';
import type { ServerErrorCode, ServerMessage } from '../protocol/messages.js';
import type { Reporter } from '../reporters/reporter.js';
import type { ServerConnection } from './server-connection.js';

export interface RemoteRunOptions {
  connection: ServerConnection;
  spec: RunSpec;
  reporter: Reporter;
  reportDir: string;
  /** What the client knows of the run beyond what the server says (prediction, shard, how it is judged). */
  extraInfo?: Pick<RunInfo, 'expectedMs' | 'shard' | 'judgedByExitCodeAlone' | 'scenarioJobs'>;
  /**
   * Final results the client found itself, for features it did not submit (Gherkin parse errors): reported
   * with the server's, as part of the same run.
   */
  foundBeforeRun?: FeatureResult[];
  /** Aborting cancels the run on the server; the run still ends normally, as `interrupted`. */
  signal?: AbortSignal;
  /** How long to wait for the server to confirm a cancel before giving up on it. */
  cancelGraceMs?: number;
}

/** The outcome, plus the error that cut the run short, if one did (the outcome then holds what arrived). */
export interface RemoteRunResult {
  outcome?: RunOutcome;
  error?: BaleenError;
}

const errorCodeOf: Record<ServerErrorCode, ErrorCode> = {
  BAD_MESSAGE: 'PROTOCOL',
  RUN_REJECTED: 'USAGE',
  DOCKER_UNREACHABLE: 'DOCKER_UNREACHABLE',
  IMAGE_NOT_FOUND: 'IMAGE_NOT_FOUND',
  NOT_SWARM_MANAGER: 'NOT_SWARM_MANAGER',
  ENGINE_FAILED: 'CONTAINER_FAILED',
  INTERNAL: 'INTERNAL',
};

/**
 * Submits a run over a server connection and replays the server's stream into a reporter, rebuilding the
 * run's results on this side. Whatever happens (finished, cancelled, server gone), reporters get `onEnd`
 * with what arrived, so no result that reached the client is lost.
 */
export function runOnServer(options: RemoteRunOptions): Promise<RemoteRunResult> {
  const { connection, spec, reporter } = options;
  const requestId = randomUUID();
  const results = new Map<string, FeatureResult>();
  const foundBeforeRun = options.foundBeforeRun ?? [];
  let info: RunInfo | undefined;
  /** Begins the run for the reporters: the features the server runs and those settled before it. */
  const begin = (runInfo: RunInfo) => {
    info = { ...runInfo, features: [...runInfo.features, ...foundBeforeRun.map((result) => result.file)] };
    reporter.onBegin?.(info);
    for (const result of foundBeforeRun) {
      results.set(result.file, result);
      reporter.onFeatureResult?.(result);
    }
  };

  return new Promise<RemoteRunResult>((resolve) => {
    let settled = false;
    const finish = async (status: RunStatus | undefined, durationMs: number, error?: BaleenError) => {
      if (settled) return;
      settled = true;
      if (!info) return resolve({ error: error ?? new BaleenError('INTERNAL', 'the run ended before it began') });
      const outcome = outcomeOf(info, status ?? 'interrupted', durationMs, results);
      await reporter.onEnd?.(outcome);
      resolve(error ? { outcome, error } : { outcome });
    };
    const elapsed = () => (info ? Date.now() - info.startedAt.getTime() : 0);

    connection.onMessage((message: ServerMessage) => {
      switch (message.type) {
        case 'run.accepted':
          if (message.requestId !== requestId) return;
          return begin({
            runId: message.runId,
            image: spec.image,
            features: message.features,
            concurrency: message.concurrency,
            cpus: message.cpus,
            startedAt: new Date(),
            reportDir: options.reportDir,
            ...options.extraInfo,
            ...(message.notes === undefined ? {} : { notes: message.notes }),
            ...(message.probeMs === undefined ? {} : { probeMs: message.probeMs }),
            ...(message.scenarioJobs === undefined ? {} : { scenarioJobs: message.scenarioJobs }),
          });
        case 'run.waiting':
          if (message.runId !== info?.runId) return;
          return reporter.onWaiting?.(message.place);
        case 'feature.state':
          return reporter.onFeatureState?.({
            file: message.file,
            attempt: message.attempt,
            state: message.state,
            at: message.at,
          });
        case 'feature.output':
          return reporter.onFeatureOutput?.({
            file: message.file,
            attempt: message.attempt,
            stream: message.stream,
            data: message.data,
          });
        case 'feature.artifact':
          return reporter.onFeatureArtifact?.({
            file: message.file,
            attempt: message.attempt,
            path: message.path,
            data: Buffer.from(message.data, 'base64'),
            end: message.end,
          });
        case 'feature.result':
          if (!message.final) return reporter.onFeatureRetry?.(message.result);
          results.set(message.result.file, message.result);
          return reporter.onFeatureResult?.(message.result);
        case 'run.finished':
          return void finish(message.status, message.durationMs);
        case 'error': {
          const ours = message.requestId === requestId || (info !== undefined && message.runId === info.runId);
          if (!ours) return;
          const error = new BaleenError(
            errorCodeOf[message.code],
            message.message,
            message.hint ? { hint: message.hint } : {},
          );
          return void finish(undefined, elapsed(), error);
        }
      }
    });
    void connection.closed.then((error) => {
      void finish(
        undefined,
        elapsed(),
        error ?? new BaleenError('SERVER_CLOSED', 'the connection closed before the run finished'),
      );
    });

    options.signal?.addEventListener(
      'abort',
      () => {
        if (settled) return;
        if (!info) {
          // Nothing ran yet; the reports still say so (every feature unfinished), as for any interrupted run.
          begin({
            runId: 'none',
            image: spec.image,
            features: spec.features,
            concurrency: spec.concurrency,
            startedAt: new Date(),
            reportDir: options.reportDir,
            ...options.extraInfo,
          });
          return void finish(
            'interrupted',
            0,
            new BaleenError('INTERRUPTED', 'interrupted before the server accepted the run'),
          );
        }
        connection.send({ type: 'run.cancel', runId: info.runId, reason: 'interrupted by the user' });
        // The server answers a cancel with run.finished once the containers are gone; do not wait forever.
        setTimeout(() => void finish('interrupted', elapsed()), options.cancelGraceMs ?? 20_000).unref();
      },
      { once: true },
    );

    connection.send({ type: 'run.submit', requestId, spec });
  });
}
