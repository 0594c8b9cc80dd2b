import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { login, servePage, servePageAsset, streamBoard } from '../live/live-routes.js';
import type { RunBoard } from '../live/run-board.js';
import type { RunStore } from '../store/run-store.js';
import { foreignOrigin, type HttpAuth } from './auth.js';
import { checkHealth } from './health.js';
import { json, plain, serveStoredRun } from './serve-stored-run.js';
import type { ServerMetrics } from './server-metrics.js';
import type { GithubHook } from '../webhook/github-hook.js';

export interface HttpRoutesOptions {
  runtime: ContainerRuntime;
  auth: HttpAuth;
  metrics: ServerMetrics;
  board: RunBoard;
  /** Only with `--data-dir`. */
  store?: RunStore;
  /** Only with `--webhook-secret`. */
  hook?: GithubHook;
}

/**
 * The server's HTTP side, on the WebSocket's port: /health for orchestrators (open); the live page at / with
 * its login form; behind the token /metrics for Prometheus, /api/live (and its event stream) for the page,
 * /api/runs and /runs/<id>/ for stored runs. A request from another origin's page gets nothing. Apart from
 * signing in, every route is read-only.
 */
export function createHttpRoutes(options: HttpRoutesOptions) {
  const { auth, store } = options;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://server').pathname;
    if (foreignOrigin(request)) return plain(response, 403, 'other origins may not use a baleen server\n');
    // Checked once here, so that no route below can fail on decoding a path a client made up.
    if (!decodable(path)) return plain(response, 400, 'the path has bad percent-encoding\n');
    if (request.method === 'POST' && path === '/login') return login(request, response, auth);
    // GitHub has no token of ours: a delivery proves itself by its signature.
    if (request.method === 'POST' && path === '/hooks/github' && options.hook)
      return options.hook.handle(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(response, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    if (path === '/health') {
      const health = await checkHealth(options.runtime);
      return json(response, health.status, health.body);
    }
    if (servePageAsset(path, response)) return;
    if (path === '/') return servePage(request, response, auth);
    if (!auth.allows(request))
      return plain(response, 401, 'missing or wrong token\n', { 'www-authenticate': 'Bearer' });
    if (path === '/api/live') return json(response, 200, { runs: options.board.snapshot() });
    if (path === '/api/live/events') return streamBoard(request, response, options.board);
    if (path === '/metrics') {
      const { contentType, body } = await options.metrics.exposition();
      response.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    if (path === '/api/runs') return store ? json(response, 200, { runs: await store.list() }) : noStore(response);
    const apiRun = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (apiRun) {
      if (!store) return noStore(response);
      const detail = await store.detail(decodeURIComponent(apiRun[1]!));
      return detail ? json(response, 200, detail) : plain(response, 404, 'no such run\n');
    }
    const files = /^\/runs\/([^/]+)(\/.*)?$/.exec(path);
    if (files) return store ? serveStoredRun(store, files[1]!, files[2] ?? '', request, response) : noStore(response);
    return plain(response, 404, 'not found\n');
  };
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function noStore(response: ServerResponse): void {
  plain(response, 404, 'this server keeps no runs (start it with --data-dir)\n');
}
