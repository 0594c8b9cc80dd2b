import type { IncomingMessage } from 'node:http';

export type Body = { ok: true; text: string } | { ok: false; tooLarge: boolean };

/**
 * A request's body as UTF-8 text, read only up to `limit` bytes: a larger one (by its Content-Length, or once
 * that many bytes came) is let through unkept, so a body never holds more than `limit` of the server's memory
 * and the client, which may still be sending, gets the answer rather than a broken connection.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    request.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        request.removeAllListeners('data');
        request.resume();
        return resolve({ ok: false, tooLarge: true });
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    request.on('error', () => resolve({ ok: false, tooLarge: false }));
  });
}
