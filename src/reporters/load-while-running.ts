import type { FeatureStateChange } from '../domain/run-outcome.js';

/**
 * A module a reporter needs only at the end of the run (an XML builder, the HTML template engine: 150 ms of
 * CPU together, measured). Loading it at start-up delays the first container; loading it in onEnd delays the
 * exit. So it starts loading when the first container is running, while the client only waits.
 */
export class LoadWhileRunning<T> {
  private loading: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  /** Forward the reporter's onFeatureState here. */
  onFeatureState(change: FeatureStateChange): void {
    if (change.state === 'running' && !this.loading) {
      // A failure to load surfaces in onEnd, where get() is awaited; not as an unhandled rejection now.
      this.get().catch(() => undefined);
    }
  }

  /** The module: the one already loading, or loaded now. */
  get(): Promise<T> {
    this.loading ??= this.load();
    return this.loading;
  }
}
