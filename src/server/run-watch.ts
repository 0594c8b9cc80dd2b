import { StreamNameSchema, type FeatureResult } from '../domain/feature-run.js';
import { outcomeOf, type RunInfo } from '../domain/run-outcome.js';
import type { BaleenError } from '../errors/baleen-error.js';
import type { RunObserver, RunOutput } from '../dispatcher/run-observer.js';
import type { Reporter } from '../reporters/reporter.js';
import { Utf8Chunks } from '../util/utf8-chunks.js';

/**
 * Something on the server that follows every run, whoever submitted it: the stored report, the metrics, the
 * live page. Each run is handed to it as reporter events, the same a client replays, so the server's reports
 * are written by the same reporters as a client's.
 */
export interface RunWatcher {
  /** A run started; the reporter gets its events, and `onEnd` once it is over (or undefined to ignore it). */
  watchRun?(info: RunInfo): Reporter | undefined;
  /** The engine refused a run before it started (unreachable, no image, not a manager). */
  engineError?(error: BaleenError): void;
}

/** A run's events for the server's watchers: what the run's actors report, and its end. */
export interface RunFeed {
  readonly observer: RunObserver;
  /** Settles once every watcher has the outcome (the stored report is written). */
  end(output: RunOutput | undefined): Promise<void>;
}

/**
 * Tees a run's observer into the watchers' reporters. `output` undefined means the run's actor stopped
 * without an outcome; the run then counts as interrupted, with the features that had no result unfinished.
 */
export function createRunFeed(
  info: RunInfo,
  reporters: readonly Reporter[],
  client: RunObserver,
  onError: (error: unknown) => void,
): RunFeed {
  const text = new Utf8Chunks(StreamNameSchema.options);
  const results = new Map<string, FeatureResult>();
  // A watcher's failure is logged and must never reach the run's actors: the client's run goes on.
  const each = (call: (reporter: Reporter) => void) => {
    for (const reporter of reporters) {
      try {
        call(reporter);
      } catch (error) {
        onError(error);
      }
    }
  };
  each((reporter) => reporter.onBegin?.(info));
  return {
    observer: {
      state(file, attempt, state, slot) {
        client.state(file, attempt, state, slot);
        const at = Date.now();
        each((reporter) =>
          reporter.onFeatureState?.({ file, attempt, state, at, ...(slot === undefined ? {} : { slot }) }),
        );
      },
      output(file, attempt, stream, chunk) {
        client.output(file, attempt, stream, chunk);
        if (reporters.length === 0) return;
        const data = text.write(file, attempt, stream, chunk);
        if (data !== '') each((reporter) => reporter.onFeatureOutput?.({ file, attempt, stream, data }));
      },
      artifact(file, attempt, piece) {
        client.artifact?.(file, attempt, piece);
        each((reporter) => reporter.onFeatureArtifact?.({ file, attempt, ...piece }));
      },
      waiting(place) {
        client.waiting(place);
      },
      result(result, final) {
        client.result(result, final);
        for (const { stream, data } of text.end(result.file, result.attempt)) {
          each((reporter) => reporter.onFeatureOutput?.({ file: result.file, attempt: result.attempt, stream, data }));
        }
        if (!final) return each((reporter) => reporter.onFeatureRetry?.(result));
        results.set(result.file, result);
        each((reporter) => reporter.onFeatureResult?.(result));
      },
    },
    async end(output) {
      const outcome = outcomeOf(
        info,
        output?.status ?? 'interrupted',
        output?.durationMs ?? Date.now() - info.startedAt.getTime(),
        results,
      );
      const ends = await Promise.allSettled(reporters.map(async (reporter) => reporter.onEnd?.(outcome)));
      for (const end of ends) if (end.status === 'rejected') onError(end.reason);
    },
  };
}
