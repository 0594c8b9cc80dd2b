import { performance } from 'node:perf_hooks';
import type { FeatureResult } from '../domain/feature-run.js';
import type { Reporter } from '../reporters/reporter.js';
import { type ClientPhaseName, traceOf } from '../reporters/files/trace-file.js';
import { PhaseClock } from '../util/phase-clock.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/**
 * What `--trace` records on the client: its own phases (`load` from the process's start to the run's first
 * line of code, `plan`, `server`, `connect`, `accept` and within it the server's `probe`, `run`, `reports`,
 * `close`) and every attempt's result,
 * retries included, whose `phases` the server measured. Written once the run is over, the embedded server
 * closed.
 */
export class RunTrace {
  readonly clock = new PhaseClock<ClientPhaseName>();
  private readonly attempts: FeatureResult[] = [];

  constructor() {
    // The process's own start: Node, baleen's modules, the command line.
    this.clock.add('load', performance.timeOrigin, Date.now());
  }

  /**
   * The run's reporters, watched: `accept` ends as the run begins, `run` as it ends, and `reports` is the
   * reporters' writing; every attempt's result is kept.
   */
  watch(reporter: Reporter): Reporter {
    return {
      ...bound(reporter),
      onBegin: (info) => {
        this.clock.end('accept');
        // The server's probe of the image, the last part of `accept`, as the server measured it.
        if (info.probeMs !== undefined) this.clock.add('probe', Date.now() - info.probeMs, Date.now());
        this.clock.begin('run');
        reporter.onBegin?.(info);
      },
      onFeatureRetry: (result) => {
        this.attempts.push(result);
        reporter.onFeatureRetry?.(result);
      },
      onFeatureResult: (result) => {
        this.attempts.push(result);
        reporter.onFeatureResult?.(result);
      },
      onEnd: async (outcome) => {
        this.clock.end('run');
        await this.clock.time('reports', async () => reporter.onEnd?.(outcome));
      },
    };
  }

  write(path: string): Promise<void> {
    return writeFileAtomic(path, traceOf(this.clock.phases(), this.attempts));
  }
}

/** A reporter's other hooks as functions that call them on the reporter itself. */
function bound(reporter: Reporter): Reporter {
  return {
    ...(reporter.onWaiting ? { onWaiting: (place) => reporter.onWaiting!(place) } : {}),
    ...(reporter.onFeatureState ? { onFeatureState: (change) => reporter.onFeatureState!(change) } : {}),
    ...(reporter.onFeatureOutput ? { onFeatureOutput: (chunk) => reporter.onFeatureOutput!(chunk) } : {}),
    ...(reporter.onFeatureArtifact ? { onFeatureArtifact: (chunk) => reporter.onFeatureArtifact!(chunk) } : {}),
  };
}
