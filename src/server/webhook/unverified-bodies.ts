import type { IncomingMessage } from 'node:http';

/**
 * What an unauthenticated sender may cost the server before a webhook's signature is checked: the bodies
 * read at once, the bytes of each, and the time each may take. GitHub's push payloads list at most 20
 * commits and are far below `maxBytes`; GitHub itself gives up on a delivery after 10 s.
 */
export interface UnverifiedBodyLimits {
  concurrent: number;
  maxBytes: number;
  timeoutMs: number;
}

export const UNVERIFIED_BODY_LIMITS: UnverifiedBodyLimits = {
  concurrent: 2,
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 10_000,
};

export type BodyRead =
  | { ok: true; body: Buffer }
  | { ok: false; status: 408 | 413 | 503; reason: string; headers?: Record<string, string> };

/**
 * The gate in front of every webhook body whose signature is not checked yet. At most `concurrent` are
 * read at once and the rest are answered 503 at once, unread; a body larger than `maxBytes` (declared or
 * sent) is 413 and one slower than `timeoutMs` 408, its bytes dropped. So unsigned requests, however many and
 * however large, hold at most concurrent × maxBytes of the server's memory.
 */
export class UnverifiedBodies {
  private reading = 0;

  constructor(private readonly limits: UnverifiedBodyLimits = UNVERIFIED_BODY_LIMITS) {}

  async read(request: IncomingMessage): Promise<BodyRead> {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > this.limits.maxBytes) return this.tooLarge();
    if (this.reading >= this.limits.concurrent) {
      return {
        ok: false,
        status: 503,
        reason: `${this.limits.concurrent} deliveries are being read: try again`,
        headers: { 'retry-after': '1' },
      };
    }
    this.reading++;
    try {
      return await this.readCapped(request);
    } finally {
      this.reading--;
    }
  }

  private readCapped(request: IncomingMessage): Promise<BodyRead> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: BodyRead) => {
        clearTimeout(timer);
        request.off('data', onData).off('end', onEnd).off('error', onError);
        // What is left of a refused body is read and dropped, not kept (the answer still reaches the sender).
        if (!result.ok) request.resume();
        chunks.length = 0;
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.limits.maxBytes) finish(this.tooLarge());
        else chunks.push(chunk);
      };
      const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
      const onError = () => finish({ ok: false, status: 408, reason: 'the delivery was cut off' });
      const timer = setTimeout(
        () => finish({ ok: false, status: 408, reason: `the body took longer than ${this.limits.timeoutMs} ms` }),
        this.limits.timeoutMs,
      );
      request.on('data', onData).on('end', onEnd).on('error', onError);
    });
  }

  private tooLarge(): BodyRead {
    return { ok: false, status: 413, reason: `payload over ${this.limits.maxBytes} bytes` };
  }
}
