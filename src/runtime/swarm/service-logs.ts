import type Docker from 'dockerode';
import { Writable, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { OutputSinks } from '../container-runtime.js';
import { toBaleenError } from '../docker/docker-errors.js';
import { withEngineRetry } from '../docker/transient-retry.js';

type StreamName = 'stdout' | 'stderr';

/**
 * A service's stdout and stderr, delivered to the sinks exactly once and in full.
 *
 * Swarm's followed log stream shows output live but holds back a final line that has no newline (measured: the
 * last 4 KiB of a 70 KB line never arrived). So the follow is for liveness only: once the task has ended, a
 * plain read of the whole log delivers whatever the follow had not, counted in bytes per stream. Both reads
 * come from the same log file on the node, so the bytes of each stream are the same sequence.
 */
export class ServiceLogs {
  private readonly delivered: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private follow?: Readable;
  private finalRead?: Readable;
  private following = true;
  /** Once closed, nothing more reaches the sinks: the feature may have its result already. */
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly serviceId: string,
    private readonly sinks: OutputSinks,
  ) {}

  /** Begins the live follow. Output printed before this is not lost: the log is read from its start. */
  async startFollowing(): Promise<void> {
    try {
      this.follow = await withEngineRetry(() => this.open(true));
    } catch (error) {
      throw toBaleenError(error, "following a service's logs");
    }
    // The follow ends or breaks when the service is removed; the final read covers anything it missed.
    this.follow.on('error', () => undefined);
    this.demux(this.follow, (stream, chunk) => {
      if (this.following) this.deliverFrom(stream, chunk, 0);
    });
  }

  /** After the task ended: stops the follow, delivers the rest of the log, then ends the sinks. */
  async complete(): Promise<void> {
    this.following = false;
    this.follow?.destroy();
    const seen: Record<StreamName, number> = { stdout: 0, stderr: 0 };
    try {
      const log = await withEngineRetry(() => this.open(false));
      this.finalRead = log;
      this.demux(log, (stream, chunk) => {
        // Skip what the follow delivered already; deliver only what lies beyond it.
        const offset = seen[stream];
        seen[stream] += chunk.length;
        this.deliverFrom(stream, chunk, Math.max(0, this.delivered[stream] - offset));
      });
      await finished(log);
    } catch (error) {
      if (this.closed) return;
      throw toBaleenError(error, "reading a service's logs");
    } finally {
      this.close();
    }
    // A log that rotated under us would start later than the follow did: byte counts would not line up.
    for (const stream of ['stdout', 'stderr'] as const) {
      if (seen[stream] < this.delivered[stream]) {
        throw new Error(
          `the service's ${stream} log is shorter than what was already read (${seen[stream]} < ${this.delivered[stream]} bytes): was it rotated?`,
        );
      }
    }
  }

  /** No more output is wanted (the task is stopped or removed, or its output is complete): ends the sinks once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.following = false;
    this.follow?.destroy();
    this.finalRead?.destroy();
    this.sinks.end?.();
  }

  private deliverFrom(stream: StreamName, chunk: Buffer, skip: number): void {
    if (this.closed || skip >= chunk.length) return;
    const fresh = skip === 0 ? chunk : chunk.subarray(skip);
    this.delivered[stream] += fresh.length;
    this.sinks[stream](fresh);
  }

  /** dockerode buffers a non-follow log read whole; dialling it as a stream keeps 200 MiB of output out of memory. */
  private open(follow: boolean): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/services/${this.serviceId}/logs?`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
          options: { stdout: true, stderr: true, follow },
        },
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as Readable)),
      );
    });
  }

  private demux(source: Readable, onChunk: (stream: StreamName, chunk: Buffer) => void): void {
    const sink = (stream: StreamName) =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          onChunk(stream, chunk);
          callback();
        },
      });
    this.docker.modem.demuxStream(source, sink('stdout'), sink('stderr'));
  }
}
