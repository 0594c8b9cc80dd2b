import { createRuntime, type EngineChoice } from '../runtime/create-runtime.js';
import { createLogger } from '../server/logger.js';
import { startServer, type RunningServer } from '../server/baleen-server.js';
import { guardServerProcess } from '../server/last-resort-guard.js';
import { newToken } from '../config/token-file.js';

/** The embedded server, and the token only this process knows: another local user cannot use the server. */
export interface EmbeddedServer extends RunningServer {
  readonly token: string;
}

/**
 * Without --server, the client starts the same server in-process on a free loopback port and talks to it
 * over the same WebSocket protocol, so there is one code path whether the server is local or shared. Its
 * capacity is the run's concurrency: the run has the engine to itself.
 */
export async function startEmbeddedServer(
  engine: EngineChoice,
  verbose: boolean,
  capacity: number,
  /** Where the image probe's answers are kept between runs (beside the timing history). */
  probeAnswersFile?: string,
): Promise<EmbeddedServer> {
  const logger = createLogger(verbose ? 'info' : 'error', { readable: true });
  const token = newToken();
  // Its only client is the user who could use the engine directly anyway: any existing network is theirs to join.
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token,
    runtime: await createRuntime(engine),
    logger,
    service: false,
    listenWhileReaping: true,
    capacity,
    allowNetworks: 'any',
    ...(probeAnswersFile === undefined ? {} : { probeAnswersFile }),
  });
  const unguard = guardServerProcess(server, logger);
  return {
    url: server.url,
    pageUrl: undefined,
    token,
    admission: server.admission,
    close: () => server.close().finally(unguard),
  };
}
