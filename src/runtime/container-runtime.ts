import type { RuntimeTraits } from './runtime-traits.js';

/**
 * The one seam between baleen and a container engine. Actors speak only this interface, so another engine
 * (later Kubernetes) goes behind it without touching them. No engine library's types appear here on purpose.
 */
export interface ContainerSpec {
  image: string;
  /** Run through `sh -c`. */
  script: string;
  workDir?: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  limits: { memoryBytes?: number; nanoCpus?: number };
  /**
   * The network the container joins: its run's own (see server/run-network.ts), one the client named, or
   * `none` for no network at all. Unset (a container that is no run's), the engine's default network.
   */
  network?: string;
  /** Seconds between the stop signal and the kill, whenever the engine stops the container. */
  stopGraceSeconds: number;
  /**
   * Where the container may run, as the runtime's placement constraints (`node.labels.pool==ci` on a swarm).
   * Only runtimes whose traits have a `placement` accept any; a run asking for placement elsewhere is refused
   * before it starts.
   */
  constraints: readonly string[];
  /**
   * Keep the container's stdin open for baleen to write to (a warm worker reads its features there); closed
   * when baleen ends it. Only runtimes whose traits say `stdin` accept it.
   */
  stdin?: boolean;
}

export interface OutputSinks {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Both streams ended: nothing more will arrive. */
  end?(): void;
}

export interface ContainerExit {
  exitCode: number;
  /** The engine killed the container for exceeding its memory limit. */
  oomKilled: boolean;
  /** The host it ran on, as the engine names it (its own host name, or a cluster node's), if known. */
  node?: string;
}

/** A container that exists on the engine; whoever holds one must `remove()` it. */
export interface CreatedContainer {
  readonly id: string;
  /**
   * Connects the output streams and registers for the exit, both before start so that nothing a fast
   * container prints is lost. Resolves once attached.
   */
  attach(sinks: OutputSinks): Promise<AttachedContainer>;
  /** Reads one file out of the (stopped) container, or undefined if it does not exist. */
  readFile(path: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Asks the container's process to stop (SIGTERM), killing it after `graceSeconds`. */
  stop(graceSeconds: number): Promise<void>;
  /** Removes the container, killing it if it still runs. Safe to call more than once. */
  remove(): Promise<void>;
}

export interface AttachedContainer {
  /**
   * Starts the container and resolves once it runs (or already ended). On a cluster this includes waiting for
   * a node; `signal` aborts that wait when the run is cancelled.
   */
  start(signal?: AbortSignal): Promise<void>;
  /** Resolves once the container exited and every byte of its output reached the sinks. */
  readonly exited: Promise<ContainerExit>;
  /**
   * The host it runs on once started, as ContainerExit's `node` names it, when the runtime can tell: a warm
   * worker's results name it long before the container exits. Never blocks the start.
   */
  node?(): Promise<string | undefined>;
  /** The container's stdin, when its spec asked for it; ending it closes the container's stdin. */
  readonly stdin?: NodeJS.WritableStream;
}

export interface LabelledContainer {
  id: string;
  labels: Record<string, string>;
  /** When the engine made it (ms since the epoch), if it says. */
  createdAt?: number;
}

export interface LabelledNetwork {
  name: string;
  labels: Record<string, string>;
  createdAt?: number;
}

/** The networks of a runtime: one per run, so that runs cannot reach each other's containers. */
export interface NetworkRuntime {
  /** Makes a network only this run's containers join: a bridge on one engine, an attachable overlay on a swarm. */
  createNetwork(name: string, labels: Record<string, string>): Promise<void>;
  /** Removes it; one already gone is not an error. */
  removeNetwork(name: string): Promise<void>;
  /** Whether a network of that name exists (for a client's --network). */
  networkExists(name: string): Promise<boolean>;
  listNetworksByLabels(labels: Record<string, string>): Promise<LabelledNetwork[]>;
}

export interface ContainerRuntime {
  /** What it is and can do, as its provider says (provider.ts). */
  readonly traits: RuntimeTraits;
  readonly networks: NetworkRuntime;
  /** Fails with a BaleenError naming the cause when the engine cannot be used. */
  ping(): Promise<void>;
  /** The engine's version (`docker version`'s Server.Version); fails like `ping` when the engine cannot be used. */
  engineVersion(): Promise<string>;
  /**
   * Fails with a BaleenError when the image is known to be missing. baleen itself never pulls; a cluster's
   * nodes may, for an image their manager does not have (see swarm/image-pin.ts). Resolves to the image's id
   * when it is the one image every container of the run will get (one engine), else undefined.
   */
  checkImage(image: string): Promise<string | undefined>;
  create(spec: ContainerSpec): Promise<CreatedContainer>;
  /**
   * Containers carrying every one of these labels, running or not. On a cluster the unit is whatever `create`
   * made (a Swarm service), so that `removeById` removes it whole.
   */
  listByLabels(labels: Record<string, string>): Promise<LabelledContainer[]>;
  removeById(id: string): Promise<void>;
  /**
   * Builds `tag` from a build context (a tar stream) and its Dockerfile (a path inside it), labelled. Only an
   * engine that runs the containers where it builds has it (one Docker engine, not a cluster's manager).
   */
  buildImage?(build: ImageBuild): Promise<void>;
  /** Removes an image `buildImage` made; one already gone is fine. */
  removeImage?(tag: string): Promise<void>;
}

export interface ImageBuild {
  /** The build context as a tar stream. */
  context: NodeJS.ReadableStream;
  dockerfile: string;
  tag: string;
  labels: Record<string, string>;
}
