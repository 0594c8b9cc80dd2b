import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { BaleenError } from '../errors/baleen-error.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { Logger } from './logger.js';
import { reapOrphans } from '../runtime/reaper.js';
import { RunEngine } from './run-engine.js';
import type { ServerMetrics } from './http/server-metrics.js';
import { Session } from './session.js';
import { checkUpgrade, isLoopback } from './upgrade-guard.js';
import { HttpAuth } from './http/auth.js';
import { createHttpRoutes } from './http/http-routes.js';
import type { Retention } from './store/retention.js';
import { RunStore } from './store/run-store.js';
import { RunBoard } from './live/run-board.js';

/** Largest message a client may send: a run of 100 000 features with long paths fits. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface ServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Image patterns clients may run (`*` wildcards); empty allows every image. */
  allowImages?: string[];
  runtime: ContainerRuntime;
  logger: Logger;
  /** Containers at once across every client's runs (default: the CPU count); a run's concurrency caps that run. */
  capacity?: number;
  /** How often clients are pinged; one that misses a ping is dropped at the next (default 30 s). */
  heartbeatMs?: number;
  /** Keep every run's report folder under DIR/runs/ (`--data-dir`), with this retention. */
  dataDir?: string;
  retention?: Retention;
  /** Serve Prometheus metrics on /metrics (default true; the client's embedded server has no scraper). */
  metrics?: boolean;
}

export interface RunningServer {
  /** ws://host:port of the listening server. */
  readonly url: string;
  readonly engine: RunEngine;
  /** Stops accepting, cancels every run, waits for their containers to be removed, then closes. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!isLoopback(options.host) && !options.token) {
    throw new BaleenError('USAGE', `refusing to listen on ${options.host} without a token`, {
      hint: 'pass --token (or set BALEEN_TOKEN), or listen on 127.0.0.1',
    });
  }
  const serverId = randomUUID();
  const log = options.logger.child({ serverId });
  const engine = new RunEngine(options.runtime, serverId, options.allowImages ?? [], (error) => log.error({ err: error }, 'a run watcher failed'), options.capacity ?? availableParallelism());
  await reapOrphansAtStart(options.runtime, log);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  const http = createServer(await httpSide(options, engine, wss, log));
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client may reset the connection at any moment; without a listener that error would end the server.
    socket.on('error', () => socket.destroy());
    const verdict = checkUpgrade(request, options.token);
    if (!verdict.ok) {
      log.warn({ remote: request.socket.remoteAddress, reason: verdict.reason }, 'connection refused');
      socket.end(`HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  // Neither emits these in normal operation; unheard, one would end the process with every run's containers up.
  http.on('error', (error) => log.error({ err: error }, 'HTTP server error'));
  wss.on('error', (error) => log.error({ err: error }, 'WebSocket server error'));
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    log.info({ remote: request.socket.remoteAddress }, 'client connected');
    trackLiveness(ws);
    new Session(ws, engine, log);
  });
  const heartbeat = setInterval(() => sweepDeadClients(wss), options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  await listen(http, options.host, options.port);
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `ws://${host}:${address.port}`;
  log.info({ url }, 'baleen server listening');

  return {
    url,
    engine,
    async close() {
      clearInterval(heartbeat);
      http.close();
      await engine.shutdown();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
      http.closeAllConnections();
    },
  };
}

/** The HTTP routes beside the WebSocket, and the watchers that feed them. */
async function httpSide(options: ServerOptions, engine: RunEngine, wss: WebSocketServer, log: Logger) {
  // The embedded server of one `baleen cucumber` has no scraper: it skips prom-client (and OpenTelemetry's
  // API, which it loads), about 100 ms of CPU before the first container (fixed cost, bench/).
  let metrics: ServerMetrics | undefined;
  if (options.metrics !== false) {
    const { ServerMetrics } = await import('./http/server-metrics.js');
    metrics = new ServerMetrics(() => wss.clients.size, engine.dispatcher);
    engine.watch(metrics);
  }
  const store = options.dataDir === undefined ? undefined : await RunStore.open(options.dataDir, options.retention ?? {}, log);
  if (store) engine.watch(store);
  const board = new RunBoard(store !== undefined);
  engine.watch(board);
  const routes = createHttpRoutes({ runtime: options.runtime, auth: new HttpAuth(options.token), ...(metrics ? { metrics } : {}), board, ...(store ? { store } : {}) });
  return (request: IncomingMessage, response: ServerResponse) => {
    routes(request, response).catch((error: unknown) => {
      log.error({ err: error, url: request.url }, 'an HTTP request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('internal error\n');
    });
  };
}

/** A server that crashed left containers behind: remove them before starting new ones. */
async function reapOrphansAtStart(runtime: ContainerRuntime, log: Logger): Promise<void> {
  try {
    const { removed } = await reapOrphans(runtime);
    if (removed.length > 0) log.warn({ removed: removed.map((id) => id.slice(0, 12)) }, 'removed containers left by a baleen server that is gone');
  } catch (error) {
    // No engine yet is not fatal for a server: each run checks the engine again and reports it to its client.
    log.warn({ err: error }, 'could not look for orphaned containers');
  }
}

function listen(http: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new BaleenError('USAGE', `cannot listen on ${host}:${port} (${error.code ?? error.message})`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port or stop the process using it' : 'check --host and --port',
          cause: error,
        }),
      );
    });
    http.listen(port, host, () => resolve());
  });
}

const alive = new WeakSet<WebSocket>();

function trackLiveness(ws: WebSocket): void {
  alive.add(ws);
  ws.on('pong', () => alive.add(ws));
}

/** A client that did not answer the last ping is gone (its runs get cancelled by its session). */
function sweepDeadClients(wss: WebSocketServer): void {
  for (const ws of wss.clients) {
    if (!alive.has(ws)) {
      ws.terminate();
      continue;
    }
    alive.delete(ws);
    ws.ping();
  }
}
