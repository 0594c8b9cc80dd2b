import { cp, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { letsRunPass, type FeatureResult, type RunStatus } from '../domain/feature-run.js';
import { heldToResults, type RunOutcome } from '../domain/run-outcome.js';
import { wallTime } from '../domain/run-clock.js';
import { createReporters } from '../reporters/create-reporters.js';
import { readResults } from '../reporters/files/results-json.js';
import { BaleenError, messageOf, type ExitCode } from '../errors/baleen-error.js';
import { conditionsOf, TimingHistory } from '../timings/timing-history.js';
import { exitCodeOf } from './exit-code.js';
import { stageReportDir } from '../report-dir/report-dir.js';
import { reportFiles } from '../report-dir/report-files.js';
import type { SuiteIo } from './run-suite.js';
import { checkShardSet, type ShardSetCheck } from './shard-set.js';
import { compareNames } from '../util/order.js';

/**
 * `baleen merge DIR...`: the reports of shards (or of separate runs) as one report. The shards ran side by
 * side, so the merged run took as long as the longest one, and it is only as good as its worst shard.
 */
export async function mergeReports(
  dirs: readonly string[],
  reportDir: string,
  io: Omit<SuiteIo, 'signal'>,
  timingsFile?: string,
): Promise<ExitCode> {
  const target = resolve(io.cwd, reportDir);
  if (dirs.some((dir) => resolve(io.cwd, dir) === target)) {
    throw new BaleenError('USAGE', `--report-dir ${reportDir} is one of the report dirs being merged`, {
      hint: 'merge into a new folder',
    });
  }
  const outcomes = await Promise.all(dirs.map((dir) => readResults(resolve(io.cwd, dir), target)));
  const staged = await stageReportDir(target);
  // What results.json does not hold (each feature's whole output, its collected files) is copied from each
  // shard, into the private staging folder: the merged report is swapped in by the same rules as a run's.
  for (const dir of dirs)
    for (const [, file] of reportFiles())
      if (file.merge === 'copied')
        await copyIfThere(join(resolve(io.cwd, dir), file.name), join(staged.staging, file.name));
  const set = checkShardSet(outcomes.map((outcome, at) => ({ dir: dirs[at]!, info: outcome.info })));
  const merged = combine(outcomes, staged.staging, set);
  const reporter = createReporters({
    out: io.out,
    verbosity: 'normal',
    live: false,
    merging: true,
    cwd: io.cwd,
    reportDir: staged.dir,
    commit: staged.commit,
  });
  reporter.onBegin(merged.info);
  await reporter.onEnd(merged);
  for (const problem of reporter.errors) io.err.write(`baleen: could not write a report: ${problem}\n`);
  // Shards each ran a part of the suite: only the merged run knows every feature's latest duration.
  if (timingsFile !== undefined) await recordTimings(resolve(io.cwd, timingsFile), outcomes, io.err);
  if (set.problem !== undefined)
    io.err.write(
      `baleen: ${set.problem}: merge every shard of one pipeline, each run with the one --plan of \`baleen plan\` (docs/ci.md)\n`,
    );
  return exitCodeOf(merged, reporter.errors.length > 0, io.err);
}

async function copyIfThere(from: string, to: string): Promise<void> {
  const there = await stat(from).then(
    () => true,
    () => false,
  );
  if (there) await cp(from, to, { recursive: true });
}

/** Each shard's durations with the concurrency and CPUs that shard ran at. */
async function recordTimings(path: string, shards: readonly RunOutcome[], err: NodeJS.WritableStream): Promise<void> {
  const history = await TimingHistory.load(path, (message) => err.write(`baleen: ${message}\n`));
  for (const { results, info } of shards) history.record(results, conditionsOf(info));
  await history
    .save(path)
    .catch((problem: unknown) => err.write(`baleen: could not save timings to ${path}: ${messageOf(problem)}\n`));
}

/**
 * The shards' outcomes as one run. A feature that ran nowhere is in it as not run (unfinished); one that ran
 * twice keeps its worse result, so that no failure is hidden; and a set that is not one whole pipeline fails
 * the merged run, whatever its features did.
 */
function combine(outcomes: RunOutcome[], reportDir: string, set: ShardSetCheck): RunOutcome {
  const byFile = new Map<string, FeatureResult>();
  for (const result of outcomes.flatMap((outcome) => outcome.results)) {
    const other = byFile.get(result.file);
    if (!other || (letsRunPass(other.status) && !letsRunPass(result.status))) byFile.set(result.file, result);
  }
  const files = [...new Set([...outcomes.flatMap((outcome) => outcome.info.features), ...set.ranNowhere])].sort(
    compareNames,
  );
  const results = files.flatMap((file) => byFile.get(file) ?? []);
  const unfinished = files.filter((file) => !byFile.has(file));
  const status = heldToResults(worst(outcomes.map((outcome) => outcome.status)), results, unfinished);
  // The pipeline's wall time: from the first shard's start to the last one's end.
  const clock = wallTime(outcomes);
  return {
    info: {
      runId: outcomes.map((outcome) => outcome.info.runId).join('+'),
      image: [...new Set(outcomes.map((outcome) => outcome.info.image))].join(', '),
      features: files,
      concurrency: outcomes.reduce((sum, outcome) => sum + outcome.info.concurrency, 0),
      startedAt: clock.startedAt,
      reportDir,
      // One shard judged by exit code alone makes the merged verdict rest on exit codes too.
      ...(outcomes.some((outcome) => outcome.info.judgedByExitCodeAlone) ? { judgedByExitCodeAlone: true } : {}),
    },
    // A shard's results.json written before a client held the server's `passed` to its results is held now.
    status: set.problem !== undefined && status === 'passed' ? 'failed' : status,
    durationMs: clock.durationMs,
    results,
    unfinished,
  };
}

function worst(statuses: RunStatus[]): RunStatus {
  if (statuses.includes('interrupted')) return 'interrupted';
  return statuses.includes('failed') ? 'failed' : 'passed';
}
