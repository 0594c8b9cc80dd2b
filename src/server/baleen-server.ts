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
import { RunAdmission } from './run-admission.js';
import { Session } from './session.js';
import { checkUpgrade, isLoopback } from './upgrade-guard.js';
import { DEFAULT_LIMITS, MAX_PAYLOAD_BYTES, REFUSAL_HEADER, type ServerLimits } from './server-limits.js';
import type { ServerOptions } from './server-options.js';

const HEARTBEAT_MS = 30_000;

export interface RunningServer {
  /** ws://host:port of the listening server. */
  readonly url: string;
  /** http://host:port/, the live page, when the server has its HTTP side. */
  readonly pageUrl: string | undefined;
  readonly admission: RunAdmission;
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
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Every run's checks wait for a dead server's orphans to go (RunAdmission's `before`), so that no container
  // of a new run starts beside them; a server listens once they are gone, an embedded one meanwhile.
  const reaped = reapOrphansAtStart(options.runtime, log);
  if (!options.listenWhileReaping) await reaped;
  const admission = new RunAdmission(options.runtime, serverId, {
    before: reaped,
    allowedImages: options.allowImages ?? [],
    allowedNetworks: options.allowNetworks ?? [],
    capacity: options.capacity ?? availableParallelism(),
    maxQueuedFeatures: limits.maxQueuedFeatures,
    onWatcherError: (error) => log.error({ err: error }, 'a run watcher failed'),
    ...(options.probeAnswersFile === undefined ? {} : { probeAnswersFile: options.probeAnswersFile }),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  let url = '';
  const side =
    options.service === false
      ? undefined
      : await (await import('./http/http-side.js')).httpSide(options, admission, wss, log, () => url);
  const http = createServer(side?.handle ?? webSocketOnly);
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client may reset the connection at any moment; without a listener that error would end the server.
    socket.on('error', () => socket.destroy());
    const verdict = checkUpgrade(request, options.token);
    if (!verdict.ok) {
      log.warn({ remote: request.socket.remoteAddress, reason: verdict.reason }, 'connection refused');
      socket.end(
        `HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    if (wss.clients.size >= limits.maxConnections) {
      const reason = `the server has ${limits.maxConnections} connections, its limit: try again later, or start it with a higher --max-connections`;
      log.warn(
        { remote: request.socket.remoteAddress, connections: wss.clients.size },
        'connection refused: too many connections',
      );
      socket.end(`HTTP/1.1 503 Service Unavailable\r\n${REFUSAL_HEADER}: ${reason}\r\nConnection: close\r\n\r\n`);
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
    new Session(ws, admission, log, limits.maxRunsPerConnection);
  });
  const heartbeat = setInterval(() => sweepDeadClients(wss), options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  await listen(http, options.host, options.port);
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `ws://${host}:${address.port}`;
  log.info({ url }, 'baleen server listening');

  return {
    url,
    pageUrl: side ? `http://${host}:${address.port}/` : undefined,
    admission,
    async close() {
      clearInterval(heartbeat);
      http.close();
      side?.stopPushes();
      await admission.shutdown();
      await reaped;
      await side?.close();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
      http.closeAllConnections();
    },
  };
}

function webSocketOnly(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'content-type': 'text/plain' }).end('baleen server: connect with a WebSocket client\n');
}

/** A server that crashed left containers behind: remove them before starting new ones. */
async function reapOrphansAtStart(runtime: ContainerRuntime, log: Logger): Promise<void> {
  try {
    const { removed, networks } = await reapOrphans(runtime);
    if (removed.length + networks.length > 0) {
      log.warn(
        { removed: removed.map((id) => id.slice(0, 12)), networks },
        'removed containers and networks left by a baleen server that is gone',
      );
    }
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
          hint:
            error.code === 'EADDRINUSE'
              ? 'choose another --port or stop the process using it'
              : 'check --host and --port',
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
