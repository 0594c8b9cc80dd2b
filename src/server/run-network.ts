import type { NetworkRuntime } from '../runtime/container-runtime.js';

/** Names of the networks baleen makes, one per run; a client may not name one with --network. */
export const RUN_NETWORK_PREFIX = 'baleen-run-';

export interface RunNetwork {
  readonly name: string;
  /** Settles once the network exists; every container of the run waits for it before it is created. */
  readonly ready: Promise<void>;
  /** Whether `ready` has settled: a container that found it so did not wait for the network. */
  settled(): boolean;
  /** Removes the run's own network (after its containers); a network the client named is left as it was. */
  remove(): Promise<void>;
}

/**
 * The network a run's containers join: the one the client named (`--network NAME`, or `none`), else a
 * network of this run only, made now and removed with the run, so that no other run reaches its containers.
 */
export function openRunNetwork(
  networks: NetworkRuntime,
  runId: string,
  named: string | undefined,
  labels: Record<string, string>,
): RunNetwork {
  if (named !== undefined)
    return { name: named, ready: Promise.resolve(), settled: () => true, remove: () => Promise.resolve() };
  const name = `${RUN_NETWORK_PREFIX}${runId}`;
  const ready = networks.createNetwork(name, labels);
  let done = false;
  // A run cancelled before its first container never awaits it: its failure must not go unhandled.
  const settled = ready.catch(() => undefined).finally(() => (done = true));
  // A create whose answer was lost may still have made the network: remove by name in every case.
  return { name, ready, settled: () => done, remove: () => settled.then(() => networks.removeNetwork(name)) };
}
