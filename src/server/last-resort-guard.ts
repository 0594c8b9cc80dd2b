import { ExitCode } from '../errors/baleen-error.js';
import type { Logger } from './logger.js';
import type { RunningServer } from './baleen-server.js';
import { currentRunId } from './run-context.js';

/**
 * What a server process does with an error nobody caught (a bug, or a library emitting `error` where nobody
 * listens), instead of dying with its runs' containers up:
 * - raised on behalf of one run (run-context.ts knows which): that run is logged, cancelled (its containers
 *   removed) and its client told; every other run and client keeps being served;
 * - raised elsewhere, where the server's own state may be broken: every run is cancelled, every container
 *   removed, and the process exits 3.
 * Installed by the processes that own a server (`baleen server`, a client's embedded one), never by the
 * server library itself, so that tests and embedders keep their own handlers. Returns the uninstaller.
 */
export function guardServerProcess(
  server: RunningServer,
  log: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let exiting = false;
  const onError = (error: unknown) => {
    const runId = currentRunId();
    if (runId !== undefined && server.admission.cancelRun(runId)) {
      log.error({ err: error, runId }, 'unexpected error in a run: cancelling that run, serving the others');
      return;
    }
    log.fatal(
      { err: error, ...(runId === undefined ? {} : { runId }) },
      'unexpected error: cancelling every run, removing their containers, then exiting',
    );
    if (exiting) return;
    exiting = true;
    void server.close().finally(() => exit(ExitCode.infrastructure));
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}
