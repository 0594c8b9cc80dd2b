import type Docker from 'dockerode';
import { createdAtOf } from './engine-time.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabelledNetwork, NetworkRuntime } from '../container-runtime.js';
import { statusOf, toBaleenError } from './docker-errors.js';
import { withEngineRetry } from './transient-retry.js';

/** A swarm task's endpoint on an overlay network outlives its service by a moment: try removal for this long. */
const ACTIVE_ENDPOINTS_WAIT_MS = 10_000;

/**
 * Run networks on one engine (driver `bridge`) or a swarm (driver `overlay`, attachable, so that the tasks of
 * every node join it). Both make the network internal to the engine's address space, with the engine's own
 * firewall rules between networks: a container of one run cannot open a connection to a container of another.
 */
export function dockerNetworks(docker: Docker, driver: 'bridge' | 'overlay'): NetworkRuntime {
  return {
    async createNetwork(name, labels) {
      try {
        await withEngineRetry(
          (abortSignal) =>
            docker.createNetwork({
              Name: name,
              Driver: driver,
              Labels: labels,
              CheckDuplicate: true,
              abortSignal,
              ...(driver === 'overlay' ? { Attachable: true } : {}),
            }),
          { bound: 'network create' },
        );
      } catch (error) {
        throw toBaleenError(error, `creating the run's network ${name}`);
      }
    },

    async removeNetwork(name) {
      const deadline = Date.now() + ACTIVE_ENDPOINTS_WAIT_MS;
      for (;;) {
        try {
          await withEngineRetry((abortSignal) => docker.getNetwork(name).remove({ abortSignal }), {
            bound: 'network remove',
          });
          return;
        } catch (error) {
          const status = statusOf(error);
          if (status === 404) return;
          // 403 "has active endpoints": a container (or a swarm task's endpoint) is still leaving.
          if (status === 403 && Date.now() < deadline) {
            await sleep(250);
            continue;
          }
          throw toBaleenError(error, `removing network ${name}`);
        }
      }
    },

    async networkExists(name) {
      try {
        await docker.getNetwork(name).inspect();
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw toBaleenError(error, `inspecting network ${name}`);
      }
    },

    async listNetworksByLabels(labels): Promise<LabelledNetwork[]> {
      try {
        const found = await withEngineRetry(
          (abortSignal) =>
            docker.listNetworks({
              filters: { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) },
              abortSignal,
            }),
          { bound: 'network list' },
        );
        return found.map((network) => ({
          name: network.Name,
          labels: network.Labels ?? {},
          ...createdAtOf(network.Created),
        }));
      } catch (error) {
        throw toBaleenError(error, 'listing networks');
      }
    },
  };
}
