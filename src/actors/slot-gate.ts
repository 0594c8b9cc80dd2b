import pLimit from 'p-limit';

export type ReleaseSlot = () => void;

/**
 * How many containers run at once. p-limit runs a function per slot; here the "function" is a promise that
 * stays pending until the feature gives its slot back, so a slot is held across all of a feature's states.
 */
export interface SlotGate {
  acquire(signal: AbortSignal): Promise<ReleaseSlot>;
  readonly active: number;
  readonly pending: number;
}

export function createSlotGate(concurrency: number): SlotGate {
  const limit = pLimit(concurrency);
  return {
    acquire(signal) {
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const onAbort = () => reject(new Error('cancelled while queued'));
        signal.addEventListener('abort', onAbort, { once: true });
        void limit(
          () =>
            new Promise<void>((release) => {
              signal.removeEventListener('abort', onAbort);
              // A queued task cannot be taken out of p-limit: if its feature was cancelled meanwhile, hand the
              // slot straight back.
              if (signal.aborted) return release();
              resolve(once(release));
            }),
        );
      });
    },
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) {
      called = true;
      fn();
    }
  };
}
