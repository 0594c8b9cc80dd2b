import { WebSocket } from 'ws';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { decodeServerMessage, encodeMessage } from '../protocol/codec.js';
import { REFUSAL_HEADER } from '../server/server-limits.js';
import type { ClientMessage, ServerMessage, Unversioned } from '../protocol/messages.js';

/** A feature's result carries its Cucumber JSON, which may be large; everything else is small. */
const MAX_SERVER_MESSAGE_BYTES = 512 * 1024 * 1024;

export interface ServerConnection {
  send(message: Unversioned<ClientMessage>): void;
  /** Called for every valid message; invalid ones end the connection with a PROTOCOL error. */
  onMessage(listener: (message: ServerMessage) => void): void;
  /** Settles when the connection ends: with undefined after `close()`, with the error otherwise. */
  readonly closed: Promise<BaleenError | undefined>;
  close(): void;
}

export async function connectToServer(url: string, token?: string): Promise<ServerConnection> {
  const socket = new WebSocket(url, {
    maxPayload: MAX_SERVER_MESSAGE_BYTES,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    handshakeTimeout: 15_000,
  });
  await opened(socket, url);

  const listeners: ((message: ServerMessage) => void)[] = [];
  let closing = false;
  let failure: BaleenError | undefined;
  socket.on('message', (data) => {
    const decoded = decodeServerMessage(data.toString());
    if (!decoded.ok) {
      failure = new BaleenError(
        'PROTOCOL',
        `the server sent a message this client does not understand (${decoded.error})`,
        {
          hint: 'use the same baleen version for client and server',
        },
      );
      socket.terminate();
      return;
    }
    for (const listener of listeners) listener(decoded.message);
  });
  const closed = new Promise<BaleenError | undefined>((resolve) => {
    socket.on('error', (error) => {
      failure ??= new BaleenError(
        'SERVER_CLOSED',
        `lost the connection to the baleen server at ${url} (${messageOf(error)})`,
        {
          hint: 'check that the server is still running',
        },
      );
    });
    socket.on('close', (code, reason) => {
      if (closing && !failure) return resolve(undefined);
      resolve(
        failure ??
          new BaleenError(
            'SERVER_CLOSED',
            `the baleen server at ${url} closed the connection (${code}${reason.length ? ` ${reason}` : ''})`,
            {
              hint: 'the server stopped or crashed; see its log, then run again',
            },
          ),
      );
    });
  });

  return {
    send: (message) => socket.send(encodeMessage(message)),
    onMessage: (listener) => listeners.push(listener),
    closed,
    close: () => {
      closing = true;
      socket.close(1000);
    },
  };
}

function opened(socket: WebSocket, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      socket.terminate();
      const limit = response.headers[REFUSAL_HEADER];
      if (typeof limit === 'string')
        return reject(
          new BaleenError('SERVER_UNREACHABLE', `the baleen server at ${url} refused the connection: ${limit}`),
        );
      reject(
        new BaleenError('SERVER_UNREACHABLE', `the baleen server at ${url} refused the connection (HTTP ${status})`, {
          hint:
            status === 401
              ? "pass the server's token with --token or BALEEN_TOKEN (a `baleen server` started without --token printed where it keeps its token)"
              : 'check the --server URL',
        }),
      );
    });
    socket.once('error', (error) =>
      reject(
        new BaleenError('SERVER_UNREACHABLE', `cannot reach a baleen server at ${url} (${messageOf(error)})`, {
          hint: 'start one with `baleen server`, or leave out --server to run with an embedded one',
          cause: error,
        }),
      ),
    );
  });
}
