import { dirname, join, resolve } from 'node:path';
import { exitCodeOf } from './exit-code.js';
import { BaleenError, ExitCode, isBaleenError, messageOf } from '../errors/baleen-error.js';
import { nothingSelected } from './nothing-selected.js';
import { outcomeWithoutServer } from './outcome-without-server.js';
import type { RunRequest } from '../run-options/values.js';
import type { Verbosity } from '../reporters/console/console-reporter.js';
import { TimingHistory } from '../timings/timing-history.js';
import { createReporters } from '../reporters/create-reporters.js';
import { loadLiveDrawing } from '../reporters/console/live-block.js';
import { lineagesOfPlans } from '../reporters/files/scenario-lineage.js';
import { stageReportDir, type StagedReportDir } from '../report-dir/report-dir.js';
import type { StartFailure } from '../reporters/files/start-failure-report.js';
import { RunTrace } from './run-trace.js';
import { startupAdvice } from './startup-advice.js';
import { planRun } from './steps/plan.js';
import { predictRun } from './steps/predict.js';
import { clientRunInfo, specOfRun } from './steps/spec.js';
import { executeRun } from './steps/execute.js';
import { recordRun } from './steps/record.js';

/** The image probe's answers, kept beside the timing history (`.baleen/`) for the next run's embedded server. */
const PROBE_ANSWERS_FILE = 'probe-answers.json';

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

/**
 * The client's steps, a module each under steps/: plan (what the run is made of), predict (each piece of work's
 * duration), spec (what the server gets, and the wall time it should take), execute (a server runs it; the
 * stream goes into the reporters), record (the timing history). Around them: the report dir, which every run
 * replaces, even one that never starts.
 */
async function runTraced(request: RunRequest, io: SuiteIo, trace: RunTrace): Promise<ExitCode> {
  trace.clock.begin('plan');
  const timingsFile = resolve(io.cwd, request.timingsFile);
  const history = await TimingHistory.load(timingsFile, (message) => io.err.write(`baleen: ${message}\n`));
  const plan = await planRun(request, io, history);
  // Nothing left to rerun is the good news of a --last-failed: said, and the last run's report left as it is.
  if (plan.rerun) io.out.write(`baleen: ${plan.rerun.said}\n`);
  if (plan.rerun?.nothing) return ExitCode.passed;
  const spec = specOfRun(request, plan, predictRun(request, plan, history));
  const extraInfo = clientRunInfo(request, plan, spec);
  trace.clock.end('plan');
  const reportDir = await stageReportDir(resolve(io.cwd, request.reportDir));
  const startedAt = new Date();
  const failedToStart = (error: unknown) =>
    reportStartFailure(reportDir, { image: request.image, features: plan.features, startedAt, error }, io.err);

  // Nothing to run is no green, unless asked for; either way this run's report replaces an older one's, so that
  // CI never publishes a previous run's from the folder.
  const empty = nothingSelected(request, plan);
  if (empty !== undefined && !request.passWithNoTests) throw await failedToStart(empty);
  if (empty !== undefined) io.out.write(`baleen: ${empty.message} (--pass-with-no-tests)\n`);

  if (io.out.isTTY === true && !request.quiet) await loadLiveDrawing();
  const reporter = createReporters({
    out: io.out,
    verbosity: verbosityOf(request),
    live: io.out.isTTY === true,
    cwd: io.cwd,
    lineages: lineagesOfPlans(plan.plans),
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
    const outcome = await outcomeWithoutServer(reporter, info, plan.foundBeforeRun);
    for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
    return exitCodeOf(outcome, reporter.errors.length > 0, io.err);
  }
  const execution = { request, spec, reporter, reportDir: reportDir.staging, extraInfo, trace };
  const { outcome, error } = await executeRun(
    {
      ...execution,
      foundBeforeRun: plan.foundBeforeRun,
      signal: io.signal,
      probeAnswersFile: join(dirname(timingsFile), PROBE_ANSWERS_FILE),
    },
    failedToStart,
  );
  if (!outcome) throw await failedToStart(error);
  await recordRun(plan, outcome, { store: history, file: timingsFile }, io.err);
  for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
  const advice = request.quiet ? undefined : startupAdvice(outcome.results, spec, outcome.durationMs);
  if (advice) io.out.write(`baleen: ${advice}\n`);
  if (error) throw error;
  return exitCodeOf(outcome, reporter.errors.length > 0, io.err);
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

function verbosityOf(request: RunRequest): Verbosity {
  return request.quiet ? 'quiet' : request.verbose ? 'verbose' : 'normal';
}
