import { resolve } from 'node:path';
import { RunSpecSchema, type RunSpec } from '../domain/run-spec.js';
import type { RunRequest } from '../config/run-request.js';
import type { RunOutcome } from '../domain/run-outcome.js';
import { resolveFeatures } from '../config/resolve-features.js';
import { BaleenError, ExitCode } from '../errors/baleen-error.js';
import { createReporters } from '../reporters/create-reporters.js';
import { startEmbeddedServer } from './embedded-server.js';
import { prepareReportDir } from './report-dir.js';
import { runOnServer } from './remote-run.js';
import { connectToServer } from './server-connection.js';
import type { RunningServer } from '../server/baleen-server.js';

export interface SuiteIo {
  cwd: string;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  signal: AbortSignal;
}

/**
 * The client's whole job: resolve the features, reach a server (embedded or remote), run, replay the stream
 * into the reporters and turn the outcome into an exit code. Reports are written even when the run is cut
 * short, with what arrived.
 */
export async function runSuite(request: RunRequest, io: SuiteIo): Promise<ExitCode> {
  const features = await resolveFeatures(request.files, io.cwd);
  const spec = buildSpec(request, features);
  const reportDir = resolve(io.cwd, request.reportDir);
  await prepareReportDir(reportDir);

  let embedded: RunningServer | undefined;
  try {
    if (!request.server) embedded = await startEmbeddedServer(request.verbosity === 'verbose');
    const connection = await connectToServer(request.server ?? embedded!.url, request.token);
    const reporter = createReporters({ out: io.out, verbosity: request.verbosity, live: io.out.isTTY === true });
    const { outcome, error } = await runOnServer({ connection, spec, reporter, reportDir, signal: io.signal });
    connection.close();
    for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
    if (error) throw error;
    return exitCodeOf(outcome!, reporter.errors.length > 0, io.err);
  } finally {
    await embedded?.close();
  }
}

/**
 * Interrupted wins (the user asked); then the engine's own failures (exit 3: the tests said nothing, the
 * infrastructure failed); then test failures. A run that passed but whose reports could not be written is
 * not something CI should trust either.
 */
function exitCodeOf(outcome: RunOutcome, reportsFailed: boolean, err: NodeJS.WriteStream): ExitCode {
  if (outcome.status === 'interrupted') return ExitCode.interrupted;
  const engineFailures = outcome.results.filter((result) => result.engineFailure);
  if (engineFailures.length > 0) {
    err.write(`baleen: ${engineFailures.length} feature(s) could not run because of the container engine; first: ${engineFailures[0]!.file}: ${engineFailures[0]!.error}\n`);
    return ExitCode.infrastructure;
  }
  if (outcome.status === 'failed') return ExitCode.failed;
  return reportsFailed ? ExitCode.infrastructure : ExitCode.passed;
}

function buildSpec(request: RunRequest, features: string[]): RunSpec {
  const parsed = RunSpecSchema.safeParse({
    image: request.image,
    features,
    command: request.command,
    workDir: request.workDir,
    beforeCommand: request.beforeCommand,
    env: request.env,
    concurrency: request.concurrency,
    timeoutMs: request.timeoutMs,
    retries: request.retries,
    failFast: request.failFast,
    memoryBytes: request.memoryBytes,
    nanoCpus: request.nanoCpus,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BaleenError('USAGE', `invalid run: ${issue.path.join('.')}: ${issue.message}`, { hint: 'see baleen cucumber --help' });
  }
  return parsed.data;
}
