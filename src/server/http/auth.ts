import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../upgrade-guard.js';

const COOKIE = 'baleen_session';

/**
 * Who may read the server over HTTP: a program presenting the token (`Authorization: Bearer`), or the
 * server's own page, whose login form traded the token for an HttpOnly, SameSite=Strict cookie. The cookie
 * holds a MAC of the token under a key that lives as long as this process, never the token itself.
 */
export class HttpAuth {
  private readonly key = randomBytes(32);

  /** `tokenFile`: where the server keeps the token it made (the login form says so); none when it was given one. */
  constructor(
    private readonly token: string | undefined,
    readonly tokenFile?: string,
  ) {}

  /** A server without a token (loopback only) lets every local program in, as its WebSocket does. */
  get open(): boolean {
    return this.token === undefined;
  }

  allows(request: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const bearer = bearerOf(request);
    if (bearer !== undefined) return sameSecret(bearer, this.token);
    const session = cookieOf(request, COOKIE);
    return session !== undefined && sameSecret(session, this.sessionValue());
  }

  /** Only a program presenting the token itself: what starting or cancelling a run takes (a cookie is not enough). */
  allowsBearer(request: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const bearer = bearerOf(request);
    return bearer !== undefined && sameSecret(bearer, this.token);
  }

  /** The Set-Cookie header for a login with `presented`, or undefined when it is not the token. */
  login(presented: string): string | undefined {
    if (this.token === undefined || !sameSecret(presented, this.token)) return undefined;
    return `${COOKIE}=${this.sessionValue()}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private sessionValue(): string {
    return createHmac('sha256', this.key)
      .update(this.token ?? '')
      .digest('base64url');
  }
}

function bearerOf(request: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * A request from a browser page on another origin is refused whatever it carries. Browsers send `Origin` on
 * every cross-origin request (and on same-origin POSTs); programs send none.
 */
export function foreignOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && origin !== `http://${request.headers.host ?? ''}`;
}
