import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type UpgradeVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * Decides, before any WebSocket message is read, whether a connection may talk to this server. The server
 * can start containers, which is root on the engine's host, so:
 * - a request with an Origin header comes from a browser page; no page is ours, so every one is refused
 *   (this is what stops a web site from reaching a baleen server on localhost);
 * - when a token is set, the request must carry `Authorization: Bearer <token>`.
 */
export function checkUpgrade(request: IncomingMessage, token: string | undefined): UpgradeVerdict {
  if (request.headers.origin !== undefined) {
    return { ok: false, status: 403, reason: 'browser origins may not connect to a baleen server' };
  }
  if (token === undefined) return { ok: true };
  const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (presented === undefined || !sameSecret(presented, token)) {
    return { ok: false, status: 401, reason: 'missing or wrong token' };
  }
  return { ok: true };
}

/** Constant-time comparison; hashing first makes the lengths equal, so the length leaks nothing either. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
