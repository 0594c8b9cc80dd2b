import type { Reporter } from './reporter.js';
import type { RunOutcome } from '../domain/run-outcome.js';
import { messageOf } from '../errors/baleen-error.js';

/**
 * Fans every event out to each reporter. One reporter's failure is reported and does not stop the others:
 * a broken HTML template must not cost the user their JUnit file.
 */
export class ReporterMultiplexer implements Required<Reporter> {
  readonly errors: string[] = [];
  /** The reporters that failed at some point: their files are missing or incomplete. */
  readonly failed = new Set<string>();

  constructor(private readonly reporters: readonly (Reporter & { readonly name: string })[]) {}

  onBegin: Required<Reporter>['onBegin'] = (info) => this.each('onBegin', (r) => r.onBegin?.(info));
  onWaiting: Required<Reporter>['onWaiting'] = (place) => this.each('onWaiting', (r) => r.onWaiting?.(place));
  onFeatureState: Required<Reporter>['onFeatureState'] = (change) =>
    this.each('onFeatureState', (r) => r.onFeatureState?.(change));
  onFeatureOutput: Required<Reporter>['onFeatureOutput'] = (chunk) =>
    this.each('onFeatureOutput', (r) => r.onFeatureOutput?.(chunk));
  onFeatureArtifact: Required<Reporter>['onFeatureArtifact'] = (chunk) =>
    this.each('onFeatureArtifact', (r) => r.onFeatureArtifact?.(chunk));
  onFeatureRetry: Required<Reporter>['onFeatureRetry'] = (result) =>
    this.each('onFeatureRetry', (r) => r.onFeatureRetry?.(result));
  onFeatureResult: Required<Reporter>['onFeatureResult'] = (result) =>
    this.each('onFeatureResult', (r) => r.onFeatureResult?.(result));

  async onEnd(outcome: RunOutcome): Promise<void> {
    for (const reporter of this.reporters) {
      try {
        await reporter.onEnd?.(outcome);
      } catch (error) {
        this.errors.push(`${reporter.name} reporter: ${messageOf(error)}`);
        this.failed.add(reporter.name);
      }
    }
  }

  private each(hook: string, call: (reporter: Reporter) => void): void {
    for (const reporter of this.reporters) {
      try {
        call(reporter);
      } catch (error) {
        this.errors.push(`${reporter.name} reporter (${hook}): ${messageOf(error)}`);
        this.failed.add(reporter.name);
      }
    }
  }
}
