import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { commandWritesReport, DEFAULT_COMMAND, RunSpecSchema, type RunSpec } from '../domain/run-spec.js';
import type { ParsedFeature } from '../domain/feature-plan.js';
import { outcomeWithoutServer } from './outcome-without-server.js';
import { parseFailureResult } from './parse-failure.js';
import { nothingSelected } from './nothing-selected.js';
import { selectFeatures } from './select-features.js';
import { shardOfRun } from './shard-of-run.js';
import type { RunRequest } from '../run-options/values.js';
import { specFieldsOf } from '../run-options/derive-spec.js';
import type { Verbosity } from '../reporters/console/console-reporter.js';
import { engineChoiceOf } from '../runtime/engine-choice.js';
import { exitCodeOf } from './exit-code.js';
import { BaleenError, ExitCode, isBaleenError, messageOf } from '../errors/baleen-error.js';
import { issueLine, zodInWords } from '../errors/zod-in-words.js';
import { expectedWallTime } from '../dispatcher/expected-wall-time.js';
import { scenarioJobCounts, scenarioWork } from '../dispatcher/first-attempts.js';
import { conditionsOf, TimingHistory } from '../timings/timing-history.js';
import { createReporters } from '../reporters/create-reporters.js';
import { loadLiveDrawing } from '../reporters/console/live-block.js';
import { lineagesOfPlans } from '../reporters/files/scenario-lineage.js';
import type { EmbeddedServer } from './embedded-server.js';
import { stageReportDir, type StagedReportDir } from '../report-dir/report-dir.js';
import type { StartFailure } from '../reporters/files/start-failure-report.js';
import { runOnServer } from './remote-run.js';
import { connectToServer, type ServerConnection } from './server-connection.js';
import { tokenFor } from './server-token.js';
import { RunTrace } from './run-trace.js';
import { startupAdvice } from './startup-advice.js';

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
  const trace = new RunTrace();
  try {
    return await runTraced(request, io, trace);
  } finally {
    if (request.traceFile !== undefined) await writeTrace(trace, resolve(io.cwd, request.traceFile), io.err);
  }
}

async function runTraced(request: RunRequest, io: SuiteIo, trace: RunTrace): Promise<ExitCode> {
  trace.clock.begin('plan');
  const timingsFile = resolve(io.cwd, request.timingsFile);
  const history = await TimingHistory.load(timingsFile, (message) => io.err.write(`baleen: ${message}\n`));
  // Cucumber's own parser reads every feature before any container starts: what each must run, for the
  // judge on the server, and the files that do not parse, settled here as failed features.
  const selection = await selectFeatures(request, io);
  // Nothing left to rerun is the good news of a --last-failed: said, and the last run's report left as it is.
  if (selection.rerun) io.out.write(`baleen: ${selection.rerun.said}\n`);
  if (selection.rerun?.nothing) return ExitCode.passed;
  const shard = request.shard ? await shardOfRun(request, request.shard, selection, history, io.cwd) : undefined;
  const plans = shard ? selection.plans.filter((plan) => shard.features.has(plan.file)) : selection.plans;
  const features = plans.map((plan) => plan.file);
  const parsed = plans.filter((plan): plan is ParsedFeature => plan.kind === 'parsed');
  const foundBeforeRun = plans.flatMap((plan) => (plan.kind === 'parse-error' ? [parseFailureResult(plan)] : []));
  const runnable = parsed.map((plan) => plan.file);
  // The server's dispatcher orders the features by these; the prediction replays its rules here. The run will
  // most likely go where the last one went (the history's CPU count), else to this host's engine.
  const assumed = { concurrency: request.concurrency, cpus: history.latestCpus() ?? availableParallelism() };
  const expectedScenarioLines = Object.fromEntries(
    parsed.map((plan) => [plan.file, plan.scenarios.map((scenario) => scenario.line)]),
  );
  // With --split scenarios the dispatcher queues scenarios, by `path:line`, and the history knows them by it.
  const split = request.split === 'scenarios' ? scenarioWork(runnable, expectedScenarioLines) : undefined;
  const predictions = split ? history.splitPredictions(split, assumed) : history.predictions(runnable, assumed);
  // Features run in part are handed to the runner with their scenarios' lines; a scenario job has its own.
  const selectedLines = Object.fromEntries(
    request.split === 'scenarios'
      ? []
      : runnable.flatMap((file) => {
          const lines = selection.selectedLines[file];
          return lines ? [[file, lines]] : [];
        }),
  );
  const spec =
    runnable.length > 0
      ? buildSpec(request, runnable, { expectedScenarioLines, selectedLines, predictions })
      : undefined;
  trace.clock.end('plan');
  // The dispatcher's own jobs, from the very spec it gets (batches, scenario jobs), replayed on its rules.
  const expectedMs = spec === undefined ? undefined : expectedWallTime(spec);
  const reportDir = await stageReportDir(resolve(io.cwd, request.reportDir));
  const startedAt = new Date();
  const failedToStart = (error: unknown) =>
    reportStartFailure(reportDir, { image: request.image, features, startedAt, error }, io.err);

  // Nothing to run is no green, unless asked for; either way this run's report replaces an older one's, so that
  // CI never publishes a previous run's from the folder.
  const empty = nothingSelected(request, { selected: selection.plans.length, plans });
  if (empty !== undefined && !request.passWithNoTests) throw await failedToStart(empty);
  if (empty !== undefined) io.out.write(`baleen: ${empty.message} (--pass-with-no-tests)\n`);

  const judgedByExitCodeAlone = !commandWritesReport(request.command ?? DEFAULT_COMMAND);
  const extraInfo = {
    ...(expectedMs === undefined ? {} : { expectedMs }),
    ...(shard ? { shard: shard.record } : {}),
    ...(judgedByExitCodeAlone ? { judgedByExitCodeAlone } : {}),
    ...(split ? { scenarioJobs: scenarioJobCounts(runnable, expectedScenarioLines) } : {}),
  };
  if (io.out.isTTY === true && !request.quiet) await loadLiveDrawing();
  const reporter = createReporters({
    out: io.out,
    verbosity: verbosityOf(request),
    live: io.out.isTTY === true,
    cwd: io.cwd,
    lineages: lineagesOfPlans(plans),
    reportDir: reportDir.dir,
    commit: reportDir.commit,
  });
  if (!spec) {
    const info = {
      runId: 'none',
      image: request.image,
      features: [],
      concurrency: request.concurrency,
      startedAt,
      reportDir: reportDir.staging,
      ...extraInfo,
    };
    const outcome = await outcomeWithoutServer(reporter, info, foundBeforeRun);
    for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
    return exitCodeOf(outcome, reporter.errors.length > 0, io.err);
  }
  let embedded: EmbeddedServer | undefined;
  try {
    let connection: ServerConnection;
    try {
      if (!request.server)
        embedded = await trace.clock.time('server', () =>
          startEmbedded(engineChoiceOf(request), request.verbose === true, request.concurrency),
        );
      connection = await trace.clock.time('connect', async () =>
        request.server
          ? connectToServer(request.server, await tokenFor(request.server, request.token))
          : connectToServer(embedded!.url, embedded!.token),
      );
    } catch (error) {
      throw await failedToStart(error);
    }
    trace.clock.begin('accept');
    const { outcome, error } = await runOnServer({
      connection,
      spec,
      reporter: trace.watch(reporter),
      reportDir: reportDir.staging,
      extraInfo,
      foundBeforeRun,
      signal: io.signal,
    });
    connection.close();
    if (!outcome) throw await failedToStart(error);
    // A shard leaves the history alone: a later shard of the same pipeline in this checkout must split as this
    // one did. `baleen merge --timings` records every shard's durations at once.
    if (!shard) {
      history.record(outcome.results, conditionsOf(outcome.info));
      await history
        .save(timingsFile)
        .catch((problem: unknown) =>
          io.err.write(`baleen: could not save timings to ${timingsFile}: ${messageOf(problem)}\n`),
        );
    }
    for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
    const advice = request.quiet ? undefined : startupAdvice(outcome.results, spec, outcome.durationMs);
    if (advice) io.out.write(`baleen: ${advice}\n`);
    if (error) throw error;
    return exitCodeOf(outcome, reporter.errors.length > 0, io.err);
  } finally {
    if (embedded) await trace.clock.time('close', () => embedded!.close());
  }
}

/** The trace is a look at the run, not part of its outcome: one that cannot be written is said so, and the exit code stands. */
async function writeTrace(trace: RunTrace, path: string, err: NodeJS.WritableStream): Promise<void> {
  try {
    await trace.write(path);
  } catch (problem) {
    err.write(`baleen: could not write the trace to ${path}: ${messageOf(problem)}\n`);
  }
}

/**
 * A run that never started still replaces the previous report with one that says why, so CI shows this
 * failure. Returns the error to throw: the cause, whether or not its report could be written.
 */
async function reportStartFailure(
  reportDir: StagedReportDir,
  failure: Omit<StartFailure, 'error'> & { error: unknown },
  err: NodeJS.WritableStream,
): Promise<unknown> {
  const error = isBaleenError(failure.error) ? failure.error : new BaleenError('INTERNAL', messageOf(failure.error));
  try {
    // Loaded only here: its XML builder is no part of a run that starts (see bench/fixed-cost.mjs).
    const { writeStartFailureReport } = await import('../reporters/files/start-failure-report.js');
    await writeStartFailureReport(reportDir.staging, { ...failure, error });
    await reportDir.commit();
  } catch (problem) {
    err.write(`baleen: could not write a report: ${messageOf(problem)}\n`);
  }
  return failure.error;
}

function buildSpec(
  request: RunRequest,
  features: string[],
  planned: Pick<RunSpec, 'expectedScenarioLines' | 'selectedLines' | 'predictions'>,
): RunSpec {
  const parsed = RunSpecSchema.safeParse({ ...specFieldsOf(request), features, ...planned }, { error: zodInWords });
  if (!parsed.success) {
    throw new BaleenError('USAGE', `invalid run: ${issueLine(parsed.error.issues[0]!)}`, {
      hint: 'see baleen cucumber --help',
    });
  }
  return parsed.data;
}

function verbosityOf(request: RunRequest): Verbosity {
  return request.quiet ? 'quiet' : request.verbose ? 'verbose' : 'normal';
}

/** A run against `--server` loads no server of its own. */
async function startEmbedded(
  ...args: Parameters<typeof import('./embedded-server.js').startEmbeddedServer>
): Promise<EmbeddedServer> {
  const { startEmbeddedServer } = await import('./embedded-server.js');
  return startEmbeddedServer(...args);
}
