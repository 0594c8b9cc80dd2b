import { resolve } from 'node:path';
import { RunSpecSchema, type RunSpec } from '../domain/run-spec.js';
import type { RunRequest } from '../config/run-request.js';
import { exitCodeOf } from './exit-code.js';
import { resolveFeatures } from '../config/resolve-features.js';
import { BaleenError, ExitCode, messageOf } from '../errors/baleen-error.js';
import { expectedWallTime, longestFirst } from '../scheduling/schedule.js';
import { featuresOfShard } from '../scheduling/shard.js';
import { TimingHistory } from '../scheduling/timing-history.js';
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
  const timingsFile = resolve(io.cwd, request.timingsFile);
  const history = await TimingHistory.load(timingsFile, (message) => io.err.write(`baleen: ${message}\n`));
  let features = await resolveFeatures(request.files, io.cwd);
  if (request.shard) {
    features = featuresOfShard(features, request.shard, history);
    if (features.length === 0) {
      io.out.write(`baleen: shard ${request.shard.index}/${request.shard.total} has no features (more shards than features); nothing to run\n`);
      return ExitCode.passed;
    }
  }
  const order = longestFirst(features, history);
  const expectedMs = expectedWallTime(order, request.concurrency, history);
  const spec = buildSpec(request, order);
  const reportDir = resolve(io.cwd, request.reportDir);
  await prepareReportDir(reportDir);

  let embedded: RunningServer | undefined;
  try {
    if (!request.server) embedded = await startEmbeddedServer(request.engine, request.verbosity === 'verbose');
    const connection = await connectToServer(request.server ?? embedded!.url, request.token);
    const reporter = createReporters({ out: io.out, verbosity: request.verbosity, live: io.out.isTTY === true, cwd: io.cwd });
    const extraInfo = { ...(expectedMs === undefined ? {} : { expectedMs }), ...(request.shard ? { shard: request.shard } : {}) };
    const { outcome, error } = await runOnServer({ connection, spec, reporter, reportDir, extraInfo, signal: io.signal });
    connection.close();
    if (outcome) {
      history.record(outcome.results);
      await history.save(timingsFile).catch((problem: unknown) => io.err.write(`baleen: could not save timings to ${timingsFile}: ${messageOf(problem)}\n`));
    }
    for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
    if (error) throw error;
    return exitCodeOf(outcome!, reporter.errors.length > 0, io.err);
  } finally {
    await embedded?.close();
  }
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
    constraints: request.constraints,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BaleenError('USAGE', `invalid run: ${issue.path.join('.')}: ${issue.message}`, { hint: 'see baleen cucumber --help' });
  }
  return parsed.data;
}
