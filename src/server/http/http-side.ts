import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { BaleenError } from '../../errors/baleen-error.js';
import { buildsRefused } from '../../runtime/runtime-refusals.js';
import type { WebSocketServer } from 'ws';
import type { ServerOptions } from '../server-options.js';
import { RunBoard } from '../live/run-board.js';
import type { Logger } from '../logger.js';
import type { RunAdmission } from '../run-admission.js';
import { RunStore } from '../store/run-store.js';
import { OwnedRuns } from '../owned-runs.js';
import { DEFAULT_LIMITS } from '../server-limits.js';
import { HttpAuth } from './auth.js';
import { createHttpRoutes } from './http-routes.js';
import { ServerMetrics } from './server-metrics.js';

/** The HTTP routes beside the WebSocket, and the watchers that feed them. */
export async function httpSide(
  options: ServerOptions,
  admission: RunAdmission,
  wss: WebSocketServer,
  log: Logger,
  serverUrl: () => string,
) {
  const metrics = new ServerMetrics(() => wss.clients.size, admission.dispatcher);
  admission.watch(metrics);
  const store =
    options.dataDir === undefined ? undefined : await RunStore.open(options.dataDir, options.retention ?? {}, log);
  if (store) admission.watch(store);
  const board = new RunBoard(store !== undefined);
  admission.watch(board);
  const pushes = new AbortController();
  const hook = options.webhook
    ? await githubHook(options, admission.serverId, log, serverUrl, pushes.signal, store)
    : undefined;
  const maxHttpRuns = options.limits?.maxHttpRuns ?? DEFAULT_LIMITS.maxHttpRuns;
  const routes = createHttpRoutes({
    runtime: options.runtime,
    auth: new HttpAuth(options.token, options.tokenFile),
    metrics,
    board,
    admission,
    owned: new OwnedRuns(admission, log, maxHttpRuns),
    log,
    ...(store ? { store } : {}),
    ...(hook ? { hook } : {}),
  });
  return {
    handle(request: IncomingMessage, response: ServerResponse) {
      routes(request, response).catch((error: unknown) => {
        log.error({ err: error, url: request.url }, 'an HTTP request failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('internal error\n');
      });
    },
    /** Shutdown: the push runs under way are cancelled like any client's. */
    stopPushes: () => pushes.abort(),
    close: async () => hook?.close(),
  };
}

async function githubHook(
  options: ServerOptions,
  serverId: string,
  log: Logger,
  serverUrl: () => string,
  signal: AbortSignal,
  store: RunStore | undefined,
) {
  const { runtime, webhook, dataDir } = options;
  if (!runtime.buildImage || !runtime.removeImage) throw buildsRefused(runtime.traits);
  if (dataDir === undefined || store === undefined)
    throw new BaleenError(
      'USAGE',
      '--webhook-secret needs --data-dir: pushes are checked out and their runs stored there',
      { hint: 'add --data-dir DIR' },
    );
  const { GithubHook } = await import('../webhook/github-hook.js');
  const { DeliveryLedger } = await import('../webhook/delivery-ledger.js');
  const context = {
    runSuite: webhook!.runSuite,
    runtime: { buildImage: runtime.buildImage.bind(runtime), removeImage: runtime.removeImage.bind(runtime) },
    serverUrl,
    workDir: join(dataDir, 'checkouts'),
    store,
    serverId,
    log,
    signal,
    ...(options.token ? { token: options.token } : {}),
  };
  return new GithubHook({
    secret: webhook!.secret,
    projects: webhook!.projects,
    cancelSuperseded: webhook!.cancelSuperseded,
    ledger: await DeliveryLedger.open(join(dataDir, 'webhook', 'deliveries.json')),
    context,
    log,
  });
}
