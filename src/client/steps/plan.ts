import { isAbsolute, relative, resolve, sep } from 'node:path';
import { localHashes } from '../../config/local-hashes.js';
import type { FeaturePlan, ParsedFeature } from '../../domain/feature-plan.js';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { RunRequest } from '../../run-options/values.js';
import type { TimingHistory } from '../../timings/timing-history.js';
import { parseFailureResult } from '../parse-failure.js';
import { selectFeatures } from '../select-features.js';
import { shardOfRun, type RunShard } from '../shard-of-run.js';

/** Step 1 of a run on the client: what it is made of, read before any container starts. */
export interface RunPlan {
  /** How many features --files and --tags select for the whole pipeline (every shard). */
  selected: number;
  /** This run's features (this shard's part), each as Cucumber's parser read it. */
  plans: FeaturePlan[];
  /** Every feature path of the run, the unparsable ones too (the reports name them). */
  features: string[];
  /** The features that parsed: the ones a container runs. */
  runnable: string[];
  /** Per runnable feature, the lines of the scenarios it must run: the judge's expectation. */
  expectedScenarioLines: Record<string, number[]>;
  /** Features run in part (`--files path:LINE`, `--last-failed`), each with its scenarios' lines for the runner. */
  selectedLines: Record<string, number[]>;
  /**
   * The client's copy of each runnable feature and of the code beside it, hashed: the server's image probe
   * compares the image's copies with them, and names a stale image.
   */
  localHashes: Record<string, string>;
  /** The files that do not parse, settled here as failed features (no container could run them). */
  foundBeforeRun: FeatureResult[];
  shard?: RunShard;
  /** With --last-failed: what it found to rerun, in words, and whether that is nothing. */
  rerun?: { said: string; nothing: boolean };
}

/**
 * Cucumber's own parser reads every feature before any container starts: what each must run, for the judge on
 * the server, and the files that do not parse, settled here as failed features. With --shard, this shard's part.
 */
export async function planRun(
  request: RunRequest,
  io: { cwd: string; err: NodeJS.WritableStream; signal?: AbortSignal },
  history: TimingHistory,
): Promise<RunPlan> {
  const selection = await selectFeatures(request, io);
  const shard =
    request.shard && selection.rerun?.nothing !== true
      ? await shardOfRun(request, request.shard, selection, history, io.cwd)
      : undefined;
  const plans = shard ? selection.plans.filter((plan) => shard.features.has(plan.file)) : selection.plans;
  const parsed = plans.filter((plan): plan is ParsedFeature => plan.kind === 'parsed');
  const runnable = parsed.map((plan) => plan.file);
  const expectedScenarioLines = Object.fromEntries(
    parsed.map((plan) => [plan.file, plan.scenarios.map((scenario) => scenario.line)]),
  );
  return {
    selected: selection.plans.length,
    plans,
    features: plans.map((plan) => plan.file),
    runnable,
    expectedScenarioLines,
    // A scenario job has its own line (--split scenarios): only a feature run whole is handed its lines.
    selectedLines: Object.fromEntries(
      request.split === 'scenarios'
        ? []
        : runnable.filter((file) => selection.byLine.has(file)).map((file) => [file, expectedScenarioLines[file]!]),
    ),
    localHashes:
      runnable.length === 0
        ? {}
        : await localHashes(runnable, io.cwd, {
            reportDir: inTree(io.cwd, request.reportDir),
            ...(io.signal ? { signal: io.signal } : {}),
          }),
    foundBeforeRun: plans.flatMap((plan) => (plan.kind === 'parse-error' ? [parseFailureResult(plan)] : [])),
    ...(shard ? { shard } : {}),
    ...(selection.rerun ? { rerun: selection.rerun } : {}),
  };
}

/** A folder as a path relative to `cwd`, when it lies inside it (the report dir, which no hash reads). */
function inTree(cwd: string, folder: string): string | undefined {
  const inside = relative(cwd, resolve(cwd, folder));
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : inside.split(sep).join('/');
}
