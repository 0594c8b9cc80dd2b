import type { RunView } from '../../domain/run-view.js';
import type { RunDetail, StoredRun } from '../../domain/stored-run.js';
import type { RunBoard } from '../live/run-board.js';
import type { RunAdmission } from '../run-admission.js';
import type { RunStore } from '../store/run-store.js';

export interface RunSources {
  admission: RunAdmission;
  /** Every run the server has in memory: running, and the newest finished ones (see KEPT_RUNS). */
  board: RunBoard;
  /** With --data-dir: every stored run. */
  store?: RunStore;
}

/** The ids of every run the server knows, in memory or stored. */
export async function knownRunIds({ board, store }: RunSources): Promise<string[]> {
  return [...board.runIds(), ...((await store?.runIds()) ?? [])];
}

/**
 * `GET /api/runs/<id>`: a run from memory while the server has it there (its features' states as they
 * change), else from its stored record and summary.json; undefined when the server knows no such run.
 */
export async function runDetail(
  runId: string,
  { admission, board, store }: RunSources,
): Promise<RunDetail | undefined> {
  const view = board.get(runId);
  const stored = await store?.detail(runId);
  if (!view && !stored) return undefined;
  const files = store ? { files: stored?.files ?? [] } : {};
  if (view)
    return {
      run: recordOf(view, admission.liveRun(runId) !== undefined),
      features: Object.values(view.features),
      ...files,
    };
  return { run: stored!.run, features: (await store!.features(runId)) ?? [], ...files };
}

/**
 * A run in memory as the store records one. It is `running` while the admission still has it live: until its
 * containers are gone and every watcher has its end (with --data-dir, its report is then complete). While it
 * runs, `unfinished` counts the features without a result yet.
 */
function recordOf(view: RunView, live: boolean): StoredRun {
  const features = Object.values(view.features);
  const count = (status: string | undefined) => features.filter((feature) => feature.status === status).length;
  const ended = !live && view.status !== 'running' && view.durationMs !== undefined;
  return {
    runId: view.runId,
    status: ended ? view.status : 'running',
    image: view.image,
    features: features.length,
    startedAt: new Date(view.startedAt).toISOString(),
    ...(ended
      ? { finishedAt: new Date(view.startedAt + view.durationMs!).toISOString(), durationMs: view.durationMs }
      : {}),
    totals: {
      passed: count('passed'),
      failed: count('failed'),
      errors: count('error'),
      cancelled: count('cancelled'),
      skipped: count('skipped'),
      unfinished: count(undefined),
      flaky: features.filter((feature) => feature.flaky).length,
    },
  };
}
