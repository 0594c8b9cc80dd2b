import { Agent as HttpAgent, type AgentOptions as HttpAgentOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** The docker CLI dials TCP engines with a 30 s timeout; without one, an address that drops packets hangs ~2 min. */
export const CONNECT_TIMEOUT_MS = 30_000;
/** Connections are kept for the next request (one TLS handshake, not one per request); closed after this idle. */
const IDLE_MS = 30_000;

/** Fails a connection that is not established in time, with the code Node gives a timed-out connect. */
export function withConnectTimeout(socket: Duplex, timeoutMs: number): Duplex {
  const tcp = socket as Socket;
  const timer = setTimeout(() => {
    socket.destroy(
      Object.assign(new Error(`connect ETIMEDOUT: no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }),
    );
  }, timeoutMs).unref();
  // TLS sockets emit 'connect' too, when TCP is up (the handshake that follows fails or succeeds quickly).
  tcp.once('connect', () => clearTimeout(timer));
  tcp.once('close', () => clearTimeout(timer));
  return socket;
}

/** Plain HTTP over TCP (DOCKER_HOST=tcp://… without TLS), with the CLI's connect timeout. */
export class TcpAgent extends HttpAgent {
  constructor(
    options: HttpAgentOptions = {},
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    super({ keepAlive: true, timeout: IDLE_MS, ...options });
  }

  override createConnection(...args: Parameters<HttpAgent['createConnection']>): Duplex {
    return withConnectTimeout(super.createConnection(...args)!, this.connectTimeoutMs);
  }
}

/**
 * HTTPS over TCP. The TLS settings (CA, client certificate, whether to verify the engine) live on the agent,
 * whose options win over the request's: docker-modem has no way to turn verification off itself.
 */
export class TlsAgent extends HttpsAgent {
  constructor(
    options: HttpsAgentOptions,
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    super({ keepAlive: true, timeout: IDLE_MS, ...options });
  }

  override createConnection(...args: Parameters<HttpsAgent['createConnection']>): Duplex {
    return withConnectTimeout(super.createConnection(...args)!, this.connectTimeoutMs);
  }
}
