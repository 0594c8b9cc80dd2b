import type { RunSpec } from '../../domain/run-spec.js';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { Reporter } from '../../reporters/reporter.js';
import type { RunRequest } from '../../run-options/values.js';
import { engineChoiceOf } from '../../runtime/engine-choice.js';
import type { EmbeddedServer } from '../embedded-server.js';
import { runOnServer, type RemoteRunResult } from '../remote-run.js';
import type { RunTrace } from '../run-trace.js';
import { connectToServer, type ServerConnection } from '../server-connection.js';
import { tokenFor } from '../server-token.js';
import type { ClientRunInfo } from './spec.js';

export interface Execution {
  request: RunRequest;
  spec: RunSpec;
  reporter: Reporter;
  /** Where the reporters write while the run goes (the report dir's staging folder). */
  reportDir: string;
  extraInfo: ClientRunInfo;
  foundBeforeRun: FeatureResult[];
  signal: AbortSignal;
  trace: RunTrace;
  /** The embedded server keeps the image probe's answers here, for the next run. */
  probeAnswersFile: string;
}

/**
 * Step 4: reach a server (`--server`, else one embedded in this process), submit the spec and replay its
 * stream into the reporters. A server that cannot be reached is thrown as `startFailed` makes it (the run never
 * started); once submitted, the run's outcome comes back with the error that cut it short, if one did.
 */
export async function executeRun(
  run: Execution,
  startFailed: (error: unknown) => Promise<unknown>,
): Promise<RemoteRunResult> {
  const { request, trace } = run;
  let embedded: EmbeddedServer | undefined;
  try {
    let connection: ServerConnection;
    try {
      if (!request.server)
        embedded = await trace.clock.time('server', () =>
          startEmbedded(engineChoiceOf(request), request.verbose === true, request.concurrency, run.probeAnswersFile),
        );
      connection = await trace.clock.time('connect', async () =>
        request.server
          ? connectToServer(request.server, await tokenFor(request.server, request.token))
          : connectToServer(embedded!.url, embedded!.token),
      );
    } catch (error) {
      throw await startFailed(error);
    }
    trace.clock.begin('accept');
    const result = await runOnServer({
      connection,
      spec: run.spec,
      reporter: trace.watch(run.reporter),
      reportDir: run.reportDir,
      extraInfo: run.extraInfo,
      foundBeforeRun: run.foundBeforeRun,
      signal: run.signal,
    });
    connection.close();
    return result;
  } finally {
    if (embedded) await trace.clock.time('close', () => embedded!.close());
  }
}

/** A run against `--server` loads no server of its own. */
async function startEmbedded(
  ...args: Parameters<typeof import('../embedded-server.js').startEmbeddedServer>
): Promise<EmbeddedServer> {
  const { startEmbeddedServer } = await import('../embedded-server.js');
  return startEmbeddedServer(...args);
}
