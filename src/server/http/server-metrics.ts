import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FeatureStatusSchema, RunStatusSchema, type FeatureState } from '../../domain/feature-run.js';
import type { RunInfo } from '../../domain/run-outcome.js';
import type { BaleenError } from '../../errors/baleen-error.js';
import type { Reporter } from '../../reporters/reporter.js';
import type { RunWatcher } from '../run-watch.js';

/** States in which a feature's container is running its command (or being stopped). */
const RUNNING: ReadonlySet<FeatureState> = new Set(['running', 'stopping']);

/**
 * The server's Prometheus metrics, fed by the runs it watches. A registry of its own (not prom-client's
 * global one), so that two servers in one process never share counters.
 */
export class ServerMetrics implements RunWatcher {
  readonly registry = new Registry();
  /** Each live feature attempt's state, by run: containers running and jobs queued are counted from it. */
  private readonly states = new Map<string, Map<string, FeatureState>>();
  private readonly runs = new Counter({
    name: 'baleen_runs_total',
    help: 'Runs finished, by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly features = new Counter({
    name: 'baleen_features_total',
    help: 'Features finished (after their retries), by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly engineErrors = new Counter({
    name: 'baleen_engine_errors_total',
    help: 'Engine failures, by kind: a run refused (docker_unreachable, image_not_found, not_swarm_manager, ...) or a container the engine failed (container)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly startLatency = new Histogram({
    name: 'baleen_container_start_seconds',
    help: 'From asking the engine for a container to its command running',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'baleen_feature_duration_seconds',
    help: 'How long each feature attempt took, container creation to removal',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  /** `load`: what the dispatcher holds, read at each scrape. */
  constructor(connectedClients: () => number, load: { readonly queued: number; readonly capacity: number }) {
    // Every status starts at 0, so that rate() and absent() see the series before the first run.
    for (const status of RunStatusSchema.options) this.runs.inc({ status }, 0);
    for (const status of FeatureStatusSchema.options) this.features.inc({ status }, 0);
    const count = (wanted: (state: FeatureState) => boolean) => () => {
      let n = 0;
      for (const run of this.states.values()) for (const state of run.values()) if (wanted(state)) n++;
      return n;
    };
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('baleen_runs_active', 'Runs started and not yet finished', () => this.states.size);
    gauge(
      'baleen_containers_running',
      'Containers whose command is running',
      count((state) => RUNNING.has(state)),
    );
    gauge(
      'baleen_jobs_queued',
      'Jobs (feature attempts) of live runs waiting in the dispatcher for a free slot',
      () => load.queued,
    );
    gauge(
      'baleen_capacity_slots',
      'Containers the server runs at once across every run (its --capacity)',
      () => load.capacity,
    );
    gauge('baleen_clients_connected', 'WebSocket clients connected', connectedClients);
  }

  watchRun(info: RunInfo): Reporter {
    const states = new Map<string, FeatureState>();
    const creatingSince = new Map<string, number>();
    this.states.set(info.runId, states);
    const keyOf = (file: string, attempt: number) => `${attempt}\0${file}`;
    const forget = () => {
      this.states.delete(info.runId);
    };
    return {
      onFeatureState: ({ file, attempt, state, at }) => {
        const key = keyOf(file, attempt);
        if (state === 'done') states.delete(key);
        else states.set(key, state);
        if (state === 'creating') creatingSince.set(key, at);
        const since = creatingSince.get(key);
        if (state === 'running' && since !== undefined) this.startLatency.observe((at - since) / 1000);
        if (state === 'running' || state === 'done') creatingSince.delete(key);
      },
      onFeatureRetry: (result) => this.attemptEnded(result),
      onFeatureResult: (result) => {
        this.attemptEnded(result);
        this.features.inc({ status: result.status });
      },
      onEnd: (outcome) => {
        forget();
        this.runs.inc({ status: outcome.status });
      },
    };
  }

  engineError(error: BaleenError): void {
    this.engineErrors.inc({ kind: error.code.toLowerCase() });
  }

  private attemptEnded(result: { durationMs: number; engineFailure: boolean }): void {
    this.duration.observe(result.durationMs / 1000);
    if (result.engineFailure) this.engineErrors.inc({ kind: 'container' });
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
