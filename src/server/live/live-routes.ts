import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpAuth } from '../http/auth.js';
import { readBody } from '../http/read-body.js';
import { CONTENT_SECURITY_POLICY, LIVE_CSS, LIVE_HTML, LIVE_JS, loginHtml } from './page-assets.js';
import type { RunBoard } from './run-board.js';

/** A login form's body is one short field: anything longer is not a login. */
const MAX_LOGIN_BYTES = 4096;
/** A comment line now and then keeps an idle event stream open through proxies. */
const KEEPALIVE_MS = 15_000;

const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it Chromium sends `Origin: null` with the login form, which reads as another origin.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The page's code and style are no secret: the login form needs the style before any token. */
export function servePageAsset(path: string, response: ServerResponse): boolean {
  const asset =
    path === '/live.js'
      ? { type: 'text/javascript', body: LIVE_JS }
      : path === '/live.css'
        ? { type: 'text/css', body: LIVE_CSS }
        : undefined;
  if (!asset) return false;
  response.writeHead(200, { ...PAGE_HEADERS, 'content-type': `${asset.type}; charset=utf-8` }).end(asset.body);
  return true;
}

/** GET /: the live page for a signed-in browser, the login form for anyone else. */
export function servePage(request: IncomingMessage, response: ServerResponse, auth: HttpAuth): void {
  const signedIn = auth.allows(request);
  response
    .writeHead(signedIn ? 200 : 401, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' })
    .end(signedIn ? LIVE_HTML : loginHtml(undefined, auth.tokenFile));
}

/** POST /login: the token from the form, traded for the session cookie; a wrong one gets the form again. */
export async function login(request: IncomingMessage, response: ServerResponse, auth: HttpAuth): Promise<void> {
  const body = await readBody(request, MAX_LOGIN_BYTES);
  const presented = body.ok ? new URLSearchParams(body.text).get('token') : undefined;
  if (auth.open) return void response.writeHead(303, { location: '/' }).end();
  const cookie = presented ? auth.login(presented) : undefined;
  if (!cookie) {
    response
      .writeHead(401, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' })
      .end(loginHtml("That is not the server's token.", auth.tokenFile));
    return;
  }
  response.writeHead(303, { location: '/', 'set-cookie': cookie }).end();
}

/** GET /api/live/events: the board now, then every change, as server-sent events. */
export function streamBoard(request: IncomingMessage, response: ServerResponse, board: RunBoard): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('snapshot', board.snapshot());
  const unsubscribe = board.subscribe((change) => {
    const { type, ...data } = change;
    send(type, change.type === 'run' ? change.run : data);
  });
  const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  request.once('close', () => {
    clearInterval(keepalive);
    unsubscribe();
  });
}
