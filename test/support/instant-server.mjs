// `node test/support/instant-server.mjs CAPACITY RUNS_FOR_MS`: a baleen server (the built dist/) on the
// instant runtime, on a free loopback port; prints its URL, runs until killed.
import { startServer } from '../../dist/server/baleen-server.js';
import { createLogger } from '../../dist/server/logger.js';
import { instantRuntime } from './instant-runtime.mjs';

const [capacity, runsForMs] = process.argv.slice(2).map(Number);
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  runtime: instantRuntime(runsForMs),
  logger: createLogger('silent'),
  capacity,
});
process.stdout.write(`listening on ${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
