import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RunSpec } from '../domain/run-spec.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { thisOwner } from '../runtime/reaper.js';
import { BaleenError } from '../errors/baleen-error.js';
import { imageAllowed } from './image-policy.js';
import { inRun } from './run-context.js';
import { openRunNetwork, type RunNetwork } from './run-network.js';
import { checkNetwork, type AllowedNetworks } from './network-policy.js';
import { networkLabels } from '../runtime/labels.js';
import { createRunFeed, type RunWatcher } from './run-watch.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';
import type { RunObserver, RunOutput } from '../dispatcher/run-observer.js';
import type { DispatchedRun } from '../dispatcher/dispatcher.js';
import { featureLauncher } from '../actors/feature-launcher.js';
import { workerLauncher } from '../worker/worker-launcher.js';
import { isolationLauncher } from './isolation-launcher.js';
import { checkPlacement, workersNeedStdin } from '../runtime/runtime-refusals.js';
import { scenarioJobCounts } from '../dispatcher/first-attempts.js';
import { applyProbe, type ProbeFindings } from '../probe/apply-probe.js';
import { probeImage } from '../probe/run-probe.js';
import { ProbeCache } from '../probe/probe-cache.js';
import { settledBeforeRun } from '../attempt/result-without-container.js';

export interface PreparedRun {
  readonly runId: string;
  /** What the client is told with the run's acceptance: why the image was not asked what cucumber-js runs. */
  readonly notes: readonly string[];
  /** With --split scenarios: each feature's scenario jobs, as the image's answer made them. */
  readonly scenarioJobs?: Record<string, number>;
  /** How long asking the image took (ms), for the server's log. */
  readonly probeMs: number;
  /** The image's answer was a kept one: no probe container ran. */
  readonly probeCached: boolean;
  /** Queues the run's features with the dispatcher, which starts them as slots free up. */
  start(observer: RunObserver): StartedRun;
}

export interface StartedRun {
  readonly runId: string;
  cancel(): void;
  /** Settles once every feature finished and every container of the run is gone. */
  readonly finished: Promise<RunOutput>;
}

export interface RunAdmissionOptions {
  /** Image patterns a run may use (baleen server --allow-image); none: any image. */
  allowedImages?: readonly string[];
  /** Networks a run may join (baleen server --allow-network). */
  allowedNetworks?: AllowedNetworks;
  /** Containers at once across every run (baleen server --capacity). */
  capacity?: number;
  /** At most this many features of unfinished runs at once (baleen server --max-queued-features). */
  maxQueuedFeatures?: number;
  /** What every run waits for before its checks (the server removing a dead server's leftovers); never rejects. */
  before?: Promise<void>;
  /** Where a watcher's failure is told; it never stops a run. */
  onWatcherError?: (error: unknown) => void;
  /** A file that keeps the image probe's answers past this server's life (probe/probe-cache.ts). */
  probeAnswersFile?: string;
}

/**
 * The container engine answers and has the image: both asked at once (one round trip instead of two); when
 * the engine does not answer, the ping's error says so, whatever the image's.
 * Resolves to the image's id where the runtime knows it (see ContainerRuntime.checkImage).
 */
async function engineAndImage(runtime: ContainerRuntime, image: string): Promise<string | undefined> {
  const [pinged, checked] = await Promise.allSettled([runtime.ping(), runtime.checkImage(image)]);
  if (pinged.status === 'rejected') throw pinged.reason;
  if (checked.status === 'rejected') throw checked.reason;
  return checked.value;
}

/**
 * The admission of runs on one container runtime: it checks what would make every feature fail the same way
 * (no container engine, no image, an image or network not allowed, the server's queue full) before accepting
 * a run, so the client gets one clear error instead of N; then hands the run to the one dispatcher, which
 * shares the server's capacity between runs, and keeps it live (to cancel, to follow) until its containers
 * are gone. (Not "the engine": that word is the container engine's alone.)
 */
export class RunAdmission {
  private readonly live = new Map<string, StartedRun>();
  /** Features of the live runs, queued or running. */
  private liveFeatures = 0;
  /** Each live run's network, which its feature actors' containers join. */
  private readonly networks = new Map<string, RunNetwork>();
  private readonly watchers: RunWatcher[] = [];
  private closing = false;
  readonly dispatcher: Dispatcher;
  private readonly allowedImages: readonly string[];
  private readonly allowedNetworks: AllowedNetworks;
  private readonly maxQueuedFeatures: number;
  private readonly onWatcherError: (error: unknown) => void;
  private readonly before: Promise<void>;
  /** Probes of runs being prepared: beside --capacity's feature containers, and at most as many at once. */
  private readonly probes: LimitFunction;
  /** The image's answers, kept for the next identical run (probe-cache.ts). */
  private readonly probeAnswers: ProbeCache;

  constructor(
    private readonly runtime: ContainerRuntime,
    readonly serverId: string,
    options: RunAdmissionOptions = {},
  ) {
    this.allowedImages = options.allowedImages ?? [];
    this.allowedNetworks = options.allowedNetworks ?? [];
    this.maxQueuedFeatures = options.maxQueuedFeatures ?? Number.POSITIVE_INFINITY;
    this.onWatcherError = options.onWatcherError ?? (() => undefined);
    this.before = options.before ?? Promise.resolve();
    this.probeAnswers = new ProbeCache(options.probeAnswersFile);
    const capacity = options.capacity ?? 1;
    this.probes = pLimit(capacity);
    const networkOf = (runId: string) => this.networks.get(runId)!;
    const context = { serverId, owner: thisOwner(), runtime, networkOf };
    const launcher = isolationLauncher({ feature: featureLauncher(context), worker: workerLauncher(context) });
    // Everything a job's actor sets going carries its run's id, whichever run's event admitted it.
    this.dispatcher = new Dispatcher(capacity, {
      ...launcher,
      launch: (job, ...rest) => inRun(job.runId, () => launcher.launch(job, ...rest)),
      prepare: (job, spec) => inRun(job.runId, () => launcher.prepare?.(job, spec)),
    });
  }

  /** Lets `watcher` follow every run started from now on, and every run the container engine refuses. */
  watch(watcher: RunWatcher): void {
    this.watchers.push(watcher);
  }

  /** Checks the container engine and the image; holds no resources until `start`, so a prepared run may be dropped. */
  async prepare(spec: RunSpec): Promise<PreparedRun> {
    this.refuseWhenClosing();
    this.refuseOverQueueLimit(spec.features.length);
    if (!imageAllowed(spec.image, this.allowedImages)) {
      throw new BaleenError('USAGE', `image "${spec.image}" is not allowed on this server`, {
        hint: `it accepts only ${this.allowedImages.join(', ')} (its --allow-image)`,
      });
    }
    checkPlacement(spec.constraints, this.runtime.traits);
    if (spec.isolation === 'worker' && !this.runtime.traits.stdin) throw workersNeedStdin(this.runtime.traits);
    await this.before;
    let imageId: string | undefined;
    try {
      imageId = await engineAndImage(this.runtime, spec.image);
    } catch (error) {
      if (error instanceof BaleenError) for (const watcher of this.watchers) watcher.engineError?.(error);
      throw error;
    }
    await checkNetwork(spec.network, this.allowedNetworks, this.runtime);
    const runId = randomUUID();
    // The image is asked once, before any feature's container: what cucumber-js will really run there. The
    // same image asked the same again answers the same: a kept answer starts no container.
    const probed = await this.probeAnswers.answer(imageId, spec, () =>
      this.probes(() => probeImage(this.runtime, spec, { runId, serverId: this.serverId, owner: thisOwner() })),
    );
    const findings = applyProbe(spec, probed);
    // With --split scenarios, progress is counted in scenario jobs: told when accepted, and to the run's watchers.
    const jobs =
      spec.split === 'scenarios'
        ? { scenarioJobs: scenarioJobCounts(spec.features, findings.spec.expectedScenarioLines) }
        : {};
    return {
      runId,
      notes: findings.notes,
      probeMs: probed.ms,
      probeCached: probed.kind === 'probed' && probed.cached === true,
      ...jobs,
      start: (observer) => this.launch(runId, spec, findings, jobs, observer),
    };
  }

  private launch(
    runId: string,
    submitted: RunSpec,
    findings: ProbeFindings,
    jobs: { scenarioJobs?: Record<string, number> },
    observer: RunObserver,
  ): StartedRun {
    const { spec } = findings;
    // A prepare that was under way when shutdown began must not start containers nobody will cancel.
    this.refuseWhenClosing();
    // No report dir of its own: each watcher that writes files chooses where.
    const info = {
      runId,
      image: spec.image,
      features: submitted.features,
      concurrency: spec.concurrency,
      startedAt: new Date(),
      reportDir: '',
      ...jobs,
    };
    const reporters = this.watchers.flatMap((watcher) => watcher.watchRun?.(info) ?? []);
    const feed = createRunFeed(info, reporters, observer, this.onWatcherError);
    const network = openRunNetwork(
      this.runtime.networks,
      runId,
      spec.network,
      networkLabels({ runId, serverId: this.serverId, owner: thisOwner() }),
    );
    this.networks.set(runId, network);
    this.liveFeatures += spec.features.length;
    // A stale image's features are settled before the run: they would run the image's old copy.
    for (const { file, error } of findings.stale) feed.observer.result(settledBeforeRun(file, spec, error), true);
    // Everything the run sets going carries its id, so an error nobody caught names its run.
    const dispatched = inRun(runId, () =>
      spec.features.length === 0 ? nothingToDispatch() : this.dispatcher.submit(runId, spec, feed.observer),
    );
    // The run is over for its client once the watchers have it too: a stored report is complete by then.
    // Its network goes after its containers; one that will not go is the reaper's (`baleen reap`).
    const finished = dispatched.finished
      .finally(() => {
        this.liveFeatures -= spec.features.length;
        this.networks.delete(runId);
        return network.remove().catch(() => undefined);
      })
      .then(async (dispatchedOutput) => {
        const output =
          findings.stale.length > 0 && dispatchedOutput.status === 'passed'
            ? { ...dispatchedOutput, status: 'failed' as const }
            : dispatchedOutput;
        await feed.end(output);
        return output;
      })
      .finally(() => this.live.delete(runId));
    const run: StartedRun = { runId, cancel: () => inRun(runId, dispatched.cancel), finished };
    this.live.set(runId, run);
    return run;
  }

  private refuseOverQueueLimit(features: number): void {
    if (this.liveFeatures + features <= this.maxQueuedFeatures) return;
    throw new BaleenError(
      'OVER_LIMIT',
      `the server has ${this.liveFeatures} features queued or running, and this run's ${features} would pass its limit of ${this.maxQueuedFeatures}`,
      {
        hint: 'run again later, split the run (--shard), or start the server with a higher --max-queued-features',
      },
    );
  }

  private refuseWhenClosing(): void {
    if (this.closing)
      throw new BaleenError('SERVER_CLOSED', 'the server is shutting down', { hint: 'run again once it is back' });
  }

  /** Cancels one live run; false when there is none by that id (it ended already). */
  cancelRun(runId: string): boolean {
    const run = this.live.get(runId);
    run?.cancel();
    return run !== undefined;
  }

  /** A run still going: until its containers are gone and every watcher has its end (its report is stored). */
  liveRun(runId: string): StartedRun | undefined {
    return this.live.get(runId);
  }

  get liveRuns(): number {
    return this.live.size;
  }

  /** Cancels every live run and waits until their containers are removed. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const runs = [...this.live.values()];
    for (const run of runs) run.cancel();
    await Promise.allSettled(runs.map((run) => run.finished));
  }
}

/** A run whose every feature was settled before it started: nothing to queue, nothing to wait for. */
function nothingToDispatch(): DispatchedRun {
  return { cancel: () => undefined, finished: Promise.resolve({ status: 'failed', durationMs: 0 }) };
}
