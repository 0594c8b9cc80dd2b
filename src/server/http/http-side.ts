import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { ServerOptions } from '../baleen-server.js';
import { RunBoard } from '../live/run-board.js';
import type { Logger } from '../logger.js';
import type { RunEngine } from '../run-engine.js';
import { RunStore } from '../store/run-store.js';
import { HttpAuth } from './auth.js';
import { createHttpRoutes } from './http-routes.js';
import { ServerMetrics } from './server-metrics.js';

/** The HTTP routes beside the WebSocket, and the watchers that feed them. */
export async function httpSide(options: ServerOptions, engine: RunEngine, wss: WebSocketServer, log: Logger) {
  const metrics = new ServerMetrics(() => wss.clients.size, engine.dispatcher);
  engine.watch(metrics);
  const store = options.dataDir === undefined ? undefined : await RunStore.open(options.dataDir, options.retention ?? {}, log);
  if (store) engine.watch(store);
  const board = new RunBoard(store !== undefined);
  engine.watch(board);
  const routes = createHttpRoutes({ runtime: options.runtime, auth: new HttpAuth(options.token), metrics, board, ...(store ? { store } : {}) });
  return (request: IncomingMessage, response: ServerResponse) => {
    routes(request, response).catch((error: unknown) => {
      log.error({ err: error, url: request.url }, 'an HTTP request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  };
}
