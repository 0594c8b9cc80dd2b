import { BaleenError } from '../errors/baleen-error.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { missingNetwork, noNetworkRefused } from '../runtime/runtime-refusals.js';
import { RUN_NETWORK_PREFIX } from './run-network.js';

/**
 * Which networks a client may name with `--network` (`baleen server --allow-network`, repeatable): `none`
 * always; `any` (the embedded server, whose client is the engine's own user) every existing one; otherwise
 * only those listed. Never `host` (the host's own network stack), and never another run's network.
 */
export type AllowedNetworks = 'any' | readonly string[];

export async function checkNetwork(
  network: string | undefined,
  allowed: AllowedNetworks,
  runtime: ContainerRuntime,
): Promise<void> {
  if (network === undefined) return;
  if (network === 'none') {
    const refusal = noNetworkRefused(runtime.traits);
    if (refusal) throw refusal;
    return;
  }
  if (network === 'host' || network.startsWith(RUN_NETWORK_PREFIX)) {
    throw refused(
      `network "${network}" may not be joined: ${network === 'host' ? "it is the host's own network stack" : "it is another run's"}`,
      "name a network made for the suite's services, or none",
    );
  }
  if (allowed !== 'any' && !allowed.includes(network)) {
    throw refused(
      `network "${network}" is not allowed on this server`,
      allowed.length === 0
        ? 'start the server with --allow-network NAME to let clients join it'
        : `it allows ${allowed.join(', ')} (its --allow-network)`,
    );
  }
  if (!(await runtime.networks.networkExists(network))) throw missingNetwork(network, runtime.traits);
}

function refused(message: string, hint: string): BaleenError {
  return new BaleenError('USAGE', message, { hint });
}
