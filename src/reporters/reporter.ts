import type { FeatureResult } from '../domain/feature-run.js';
import type {
  FeatureArtifactChunk,
  FeatureOutputChunk,
  FeatureStateChange,
  RunInfo,
  RunOutcome,
} from '../domain/run-outcome.js';

/**
 * The one interface every report speaks. All hooks are optional; a reporter implements what it needs.
 * Hooks during the run are synchronous and must be cheap (they run while containers run); `onEnd` may do
 * the heavy writing.
 */
export interface Reporter {
  onBegin?(info: RunInfo): void;
  /** The run waits for its first slot on a shared server: its place in line (1 = next). */
  onWaiting?(place: number): void;
  onFeatureState?(change: FeatureStateChange): void;
  onFeatureOutput?(chunk: FeatureOutputChunk): void;
  /** A piece of a collected file as it arrives (--collect); the attempt's result lists the files that came whole. */
  onFeatureArtifact?(chunk: FeatureArtifactChunk): void;
  /** An attempt that failed and is about to run again in a fresh container. */
  onFeatureRetry?(result: FeatureResult): void;
  /** A feature's final result (after its retries, if any). */
  onFeatureResult?(result: FeatureResult): void;
  onEnd?(outcome: RunOutcome): Promise<void> | void;
}
