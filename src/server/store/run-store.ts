import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RunInfo, RunOutcome } from '../../domain/run-outcome.js';
import { BaleenError, messageOf } from '../../errors/baleen-error.js';
import { createFileReporters } from '../../reporters/create-reporters.js';
import type { Reporter } from '../../reporters/reporter.js';
import { summarize } from '../../reporters/summary.js';
import { resolveInside } from '../../util/inside-root.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Logger } from '../logger.js';
import type { RunWatcher } from '../run-watch.js';
import type { FeatureView } from '../../domain/run-view.js';
import { expiredRuns, type Retention } from './retention.js';
import { RunIdSchema, StoredRunSchema, type StoredRun } from '../../domain/stored-run.js';
import { featuresOfSummary } from './stored-features.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';

const RECORD = 'run.json';
/** The log of a run that never started, beside its record. */
export const FAILED_START_LOG = 'push.log';

/**
 * `baleen server --data-dir DIR`: every run's report folder, DIR/runs/<run-id>/, written by the same file
 * reporters as a client's report dir (its logs as they arrive, the rest when the run ends), so a report
 * outlives the client that asked for it. Old runs go by the retention rule after each run ends.
 */
export class RunStore implements RunWatcher {
  readonly runsDir: string;

  private constructor(
    dataDir: string,
    private readonly retention: Retention,
    private readonly log: Logger,
  ) {
    this.runsDir = join(dataDir, 'runs');
  }

  /** Opens (or makes) the data dir; runs a gone server left `running` become `interrupted`. */
  static async open(dataDir: string, retention: Retention, log: Logger): Promise<RunStore> {
    const store = new RunStore(dataDir, retention, log);
    try {
      await mkdir(store.runsDir, { recursive: true });
    } catch (error) {
      throw new BaleenError('USAGE', `cannot use --data-dir ${dataDir} (${messageOf(error)})`, {
        hint: 'choose a folder this user may write',
        cause: error,
      });
    }
    for (const run of await store.list()) {
      if (run.status === 'running')
        await store.writeRecord({ ...run, status: 'interrupted', finishedAt: new Date().toISOString() });
    }
    return store;
  }

  watchRun(info: RunInfo): Reporter {
    const reportDir = this.folderOf(info.runId)!;
    // The server has no feature sources (they are in the image): no lineage, so JUnit's outline rows keep
    // the names Cucumber JSON gives them, and no file is looked for.
    const files = createFileReporters({ lineage: { lineages: new Map() } });
    const begun: StoredRun = {
      runId: info.runId,
      status: 'running',
      image: info.image,
      features: info.features.length,
      startedAt: info.startedAt.toISOString(),
    };
    return {
      onBegin: (begin) => {
        // Synchronous, so that the folder exists before the first log line is written into it.
        mkdirSync(reportDir, { recursive: true });
        writeFileSync(join(reportDir, RECORD), JSON.stringify(begun, null, 2));
        files.onBegin({ ...begin, reportDir });
      },
      onFeatureState: (change) => files.onFeatureState(change),
      onFeatureOutput: (chunk) => files.onFeatureOutput(chunk),
      onFeatureArtifact: (chunk) => files.onFeatureArtifact(chunk),
      onFeatureRetry: (result) => files.onFeatureRetry(result),
      onFeatureResult: (result) => files.onFeatureResult(result),
      onEnd: async (outcome: RunOutcome) => {
        await files.onEnd({ ...outcome, info: { ...outcome.info, reportDir } });
        for (const problem of files.errors)
          this.log.error({ runId: info.runId, problem }, 'could not write part of a stored report');
        const { totals } = summarize(outcome);
        const { features: _count, scenarios: _scenarios, ...featureTotals } = totals;
        await this.writeRecord({
          ...begun,
          status: outcome.status,
          finishedAt: new Date().toISOString(),
          durationMs: outcome.durationMs,
          totals: featureTotals,
        });
        await this.prune();
      },
    };
  }

  /**
   * A run that never started (a push whose fetch or build failed): stored as `error` with its one-line
   * error and `log` (what was done, and what went wrong) as LOG_FILE, so it is listed and fetched like any run.
   */
  async recordFailedStart(failure: { image: string; startedAt: Date; error: string; log: string }): Promise<string> {
    const runId = randomUUID();
    const folder = this.folderOf(runId)!;
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(join(folder, FAILED_START_LOG), failure.log);
    const finishedAt = new Date();
    await this.writeRecord({
      runId,
      status: 'error',
      error: failure.error,
      image: failure.image,
      features: 0,
      startedAt: failure.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - failure.startedAt.getTime(),
    });
    await this.prune();
    return runId;
  }

  /** Every stored run, newest first; a folder without a readable record is skipped (and logged). */
  async list(): Promise<StoredRun[]> {
    const runs = await Promise.all((await this.runIds()).map((name) => this.get(name)));
    return runs
      .filter((run): run is StoredRun => run !== undefined)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async get(runId: string): Promise<StoredRun | undefined> {
    const folder = this.folderOf(runId);
    if (!folder) return undefined;
    let text: string;
    try {
      text = await readFile(join(folder, RECORD), 'utf8');
    } catch {
      return undefined;
    }
    const parsed = StoredRunSchema.safeParse(safeJson(text));
    if (!parsed.success) this.log.warn({ runId }, `ignoring a stored run whose ${RECORD} is not baleen's`);
    return parsed.success ? parsed.data : undefined;
  }

  /** A run and the files of its report (its record aside: that is the server's), for `baleen report` to download. */
  async detail(runId: string): Promise<{ run: StoredRun; files: string[] } | undefined> {
    const run = await this.get(runId);
    if (!run) return undefined;
    const folder = this.folderOf(runId)!;
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
      .filter((file) => file !== RECORD)
      .sort();
    return { run, files };
  }

  /** The ids of the runs in the store, whatever their state. */
  async runIds(): Promise<string[]> {
    const names = await readdir(this.runsDir).catch(() => []);
    return names.filter((name) => RunIdSchema.safeParse(name).success);
  }

  /** Each feature of a finished run as its summary.json has it; undefined while it runs, or without one. */
  async features(runId: string): Promise<FeatureView[] | undefined> {
    const folder = this.folderOf(runId);
    if (!folder) return undefined;
    const text = await readFile(join(folder, REPORT_FILES.summary.name), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : featuresOfSummary(runId, safeJson(text));
  }

  /** The folder of a run id; undefined for anything that is not a run id, so no request names another path. */
  folderOf(runId: string): string | undefined {
    return RunIdSchema.safeParse(runId).success ? resolveInside(this.runsDir, runId) : undefined;
  }

  private async writeRecord(run: StoredRun): Promise<void> {
    await writeFileAtomic(join(this.folderOf(run.runId)!, RECORD), JSON.stringify(run, null, 2));
  }

  private async prune(): Promise<void> {
    for (const run of expiredRuns(await this.list(), this.retention, Date.now())) {
      this.log.info({ runId: run.runId }, 'removing a stored run past the retention limit');
      await rm(this.folderOf(run.runId)!, { recursive: true, force: true });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
