import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { login, servePage, servePageAsset, streamBoard } from '../live/live-routes.js';
import type { RunStore } from '../store/run-store.js';
import { foreignOrigin } from './auth.js';
import { runApi, type RunApiContext } from './run-api.js';
import { lookUpRun } from './run-lookup.js';
import { checkHealth } from './health.js';
import { json, plain, serveStoredRun } from './serve-stored-run.js';
import type { ServerMetrics } from './server-metrics.js';
import type { GithubHook } from '../webhook/github-hook.js';

export interface HttpRoutesOptions extends RunApiContext {
  runtime: ContainerRuntime;
  metrics: ServerMetrics;
  /** Only with `--webhook-secret`. */
  hook?: GithubHook;
}

/**
 * The server's HTTP side, on the WebSocket's port: /health for orchestrators (open); the live page at / with
 * its login form; behind the token /metrics for Prometheus, /api/live (and its event stream) for the page,
 * the run API at /api/runs (start, follow, cancel) and /runs/<id>/ for stored runs. A request from another
 * origin's page gets nothing. Apart from signing in and the run API's POST and DELETE, every route is read-only.
 */
export function createHttpRoutes(options: HttpRoutesOptions) {
  const { auth, store } = options;
  const runs = runApi(options);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://server').pathname;
    if (foreignOrigin(request)) return plain(response, 403, 'other origins may not use a baleen server\n');
    // Checked once here, so that no route below can fail on decoding a path a client made up.
    if (!decodable(path)) return plain(response, 400, 'the path has bad percent-encoding\n');
    if (request.method === 'POST' && path === '/login') return login(request, response, auth);
    // GitHub has no token of ours: a delivery proves itself by its signature.
    if (request.method === 'POST' && path === '/hooks/github' && options.hook)
      return options.hook.handle(request, response);
    const apiRun = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && path === '/api/runs') return runs.create(request, response);
    if (request.method === 'DELETE' && apiRun) return runs.cancel(request, response, decodeURIComponent(apiRun[1]!));
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(response, 405, 'method not allowed\n', { allow: allowedMethods(path) });
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
    if (apiRun) return runs.show(decodeURIComponent(apiRun[1]!), response);
    const files = /^\/runs\/([^/]+)(\/.*)?$/.exec(path);
    if (files) {
      if (!store) return noStore(response);
      const runId = await storedRunOf(store, files[1]!, files[2] ?? '/', response);
      if (runId !== undefined) serveStoredRun(store, runId, files[2] ?? '', request, response);
      return;
    }
    return plain(response, 404, 'not found\n');
  };
}

function allowedMethods(path: string): string {
  if (path === '/api/runs') return 'GET, HEAD, POST';
  return /^\/api\/runs\/[^/]+$/.test(path) ? 'GET, HEAD, DELETE' : 'GET, HEAD';
}

/**
 * The stored run /runs/<reference>/… names: a run id, or a unique prefix of one, which is sent on to the run's
 * own address (so that the report's relative links work). Undefined when it answered already.
 */
async function storedRunOf(
  store: RunStore,
  reference: string,
  rest: string,
  response: ServerResponse,
): Promise<string | undefined> {
  const found = await lookUpRun(decodeURIComponent(reference), () => store.runIds());
  if (found.kind === 'ambiguous') return void plain(response, 409, `${found.message}: give more of the id\n`);
  if (found.kind === 'none') return void plain(response, 404, 'no such run\n');
  if (found.runId === reference) return found.runId;
  response.writeHead(302, { location: `/runs/${found.runId}${rest}` }).end();
  return undefined;
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
