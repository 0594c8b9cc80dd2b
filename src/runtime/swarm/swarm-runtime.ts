import type Docker from 'dockerode';
import { createdAtOf } from '../docker/engine-time.js';
import { createDocker, engineDescription } from '../docker/engine-connection.js';
import { randomBytes } from 'node:crypto';
import type {
  ContainerRuntime,
  ContainerSpec,
  CreatedContainer,
  LabelledContainer,
  NetworkRuntime,
} from '../container-runtime.js';
import { dockerNetworks } from '../docker/networks.js';
import { checkImageOn, pingEngine, versionOf } from '../docker/docker-runtime.js';
import { dockerHostDescription, statusOf, toBaleenError } from '../docker/docker-errors.js';
import { isTransient, withEngineRetry } from '../docker/transient-retry.js';
import { modeForApiVersion, serviceSpec, type ServiceMode } from './service-spec.js';
import { notInSwarmError, notManagerError } from './swarm-errors.js';
import { SwarmJob } from './swarm-job.js';
import { removeServiceNow, SERVICE_ID_LABEL } from './service-removal.js';
import { TaskTracker } from './task-tracker.js';
import { checkFitsSomeNode, largestNode, type LargestNode } from './node-capacity.js';
import { pinnedImage } from './image-pin.js';
import { serviceStdin } from './service-stdin.js';
import { SWARM_TRAITS } from './swarm-traits.js';

interface SwarmFacts {
  mode: ServiceMode;
  /** The swarm node of the engine baleen talks to. */
  nodeId: string;
  nodeCount: number;
  largest: LargestNode;
}

/**
 * Docker Swarm: each feature is a one-shot service that the swarm places on any node that satisfies its
 * constraints and reservations. We talk to one manager; output and the report come back through the
 * service's logs, so no filesystem is shared between nodes.
 */
export class SwarmRuntime implements ContainerRuntime {
  readonly traits = SWARM_TRAITS;
  private readonly tracker: TaskTracker;
  private readonly nodeNames = new Map<string, string | undefined>();
  private facts?: Promise<SwarmFacts>;
  /** Image name → the reference its services carry (see image-pin.ts); looked up again for every run. */
  private pins = new Map<string, Promise<string>>();

  readonly networks: NetworkRuntime;

  constructor(private readonly docker: Docker = createDocker()) {
    this.tracker = new TaskTracker(docker);
    this.networks = dockerNetworks(docker, 'overlay');
  }

  engineVersion(): Promise<string> {
    return versionOf(this.docker);
  }

  async ping(): Promise<void> {
    await pingEngine(this.docker);
    // Not cached: a manager that left the swarm since the last run must be noticed, a retagged image too.
    this.facts = this.readFacts();
    this.pins = new Map();
    await this.facts;
  }

  /**
   * Images live on each node, and a manager cannot look into its workers. On a one-node swarm the check is
   * exact; on more nodes an image missing here may be on the workers (or in their registry), and a node
   * that lacks it fails its feature with IMAGE_NOT_FOUND. Its id, then, only on one node.
   */
  async checkImage(image: string): Promise<string | undefined> {
    const { nodeCount } = await this.swarmFacts();
    return nodeCount === 1 ? checkImageOn(this.docker, image) : undefined;
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const { mode, largest, nodeCount, nodeId } = await this.swarmFacts();
    checkFitsSomeNode(spec.limits, largest);
    const image = await this.pin(spec.image, nodeCount);
    // A create whose answer was lost may have made the service: remove it by its labels before trying again.
    const removeTwins = async () => {
      for (const twin of await this.listByLabels(spec.labels)) await this.removeById(twin.id);
    };
    try {
      const stdin = spec.stdin ? serviceStdin() : undefined;
      const service = await withEngineRetry(
        (abortSignal) =>
          this.docker.createService({
            ...serviceSpec(
              `baleen-${randomBytes(6).toString('hex')}`,
              { ...spec, image },
              mode,
              stdin && { endMarker: stdin.endMarker, nodeId },
            ),
            abortSignal,
          }),
        { beforeRetry: removeTwins, bound: 'service create' },
      );
      return new SwarmJob(
        { docker: this.docker, tracker: this.tracker, nodeName: (id) => this.nodeName(id) },
        service.id,
        spec.image,
        spec.stopGraceSeconds,
        stdin,
      );
    } catch (error) {
      // A failure that is not the engine's answer (a reset connection, a broken ssh transport) may have
      // come after the service was made.
      if (isTransient(error) || statusOf(error) === undefined) await removeTwins().catch(() => undefined);
      throw toBaleenError(error, 'creating a swarm service');
    }
  }

  /**
   * The services carrying the labels, and the services already removed whose containers are still on this
   * node (see strayServices): `removeById` removes either whole.
   */
  async listByLabels(labels: Record<string, string>): Promise<LabelledContainer[]> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    try {
      // Containers first: a service made between the two looks has no container in the first.
      const containers = await withEngineRetry(
        (abortSignal) => this.docker.listContainers({ all: true, filters, abortSignal }),
        { bound: 'list' },
      );
      const services = await withEngineRetry((abortSignal) => this.docker.listServices({ filters, abortSignal }), {
        bound: 'service list',
      });
      const listed = services.map((service) => ({
        id: service.ID,
        labels: service.Spec?.Labels ?? {},
        ...createdAtOf(service.CreatedAt),
      }));
      return [...listed, ...strayServices(containers, new Set(listed.map((service) => service.id)))];
    } catch (error) {
      throw toBaleenError(error, 'listing swarm services');
    }
  }

  removeById(id: string): Promise<void> {
    // An orphan's or a twin's task may not have ended: look for a late container too.
    return removeServiceNow(this.docker, id, 2_000);
  }

  private pin(image: string, nodeCount: number): Promise<string> {
    let pinned = this.pins.get(image);
    if (pinned === undefined) {
      pinned = withEngineRetry(() => pinnedImage(this.docker, image, nodeCount)).catch((error: unknown) => {
        this.pins.delete(image);
        throw toBaleenError(error, `inspecting image ${image}`);
      });
      this.pins.set(image, pinned);
    }
    return pinned;
  }

  private swarmFacts(): Promise<SwarmFacts> {
    this.facts ??= this.readFacts();
    return this.facts;
  }

  private async readFacts(): Promise<SwarmFacts> {
    try {
      const info = await this.docker.info();
      const swarm = info.Swarm ?? {};
      const engine = engineDescription(this.docker) ?? dockerHostDescription();
      if (swarm.LocalNodeState !== 'active') throw notInSwarmError(engine);
      if (swarm.ControlAvailable !== true) throw notManagerError(engine);
      const [version, nodes] = await Promise.all([this.docker.version(), this.docker.listNodes()]);
      return {
        mode: modeForApiVersion(version.ApiVersion),
        nodeId: swarm.NodeID ?? '',
        nodeCount: nodes.length,
        largest: largestNode(nodes),
      };
    } catch (error) {
      this.facts = undefined;
      throw toBaleenError(error, 'asking the engine about its swarm');
    }
  }

  private async nodeName(nodeId: string | undefined): Promise<string | undefined> {
    if (nodeId === undefined) return undefined;
    if (!this.nodeNames.has(nodeId)) {
      const node = await this.docker
        .getNode(nodeId)
        .inspect()
        .catch(() => undefined);
      this.nodeNames.set(nodeId, node?.Description?.Hostname);
    }
    return this.nodeNames.get(nodeId);
  }
}

/**
 * Containers on this node of services that are gone, by service. Removing a service leaves its container to
 * this node's agent, which stops it (the stop signal, the grace period, the kill) before removing it: a
 * server that quit in between (a second Ctrl-C) leaves it running for up to the grace period, found by the
 * run's labels, which a service's container carries too. Each counts as its service, whose removal (the
 * service already gone) force-removes the containers.
 */
function strayServices(
  containers: readonly Docker.ContainerInfo[],
  services: ReadonlySet<string>,
): LabelledContainer[] {
  const strays = new Map<string, LabelledContainer>();
  for (const container of containers) {
    const serviceId = container.Labels?.[SERVICE_ID_LABEL];
    if (serviceId === undefined || services.has(serviceId) || strays.has(serviceId)) continue;
    strays.set(serviceId, { id: serviceId, labels: container.Labels ?? {}, createdAt: container.Created * 1000 });
  }
  return [...strays.values()];
}
