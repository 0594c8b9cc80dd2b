import type Docker from 'dockerode';
import { type PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  CreatedContainer,
  ImageBuild,
  LabelledContainer,
  NetworkRuntime,
  OutputSinks,
} from '../container-runtime.js';
import { closestNames } from '../../util/did-you-mean.js';
import { imageNotFoundError, statusOf, toBaleenError, unreachableError, isUnreachable } from './docker-errors.js';
import { readFirstFileFromTar } from './read-file-from-archive.js';
import { isTransient, withEngineRetry } from './transient-retry.js';
import { createDocker } from './engine-connection.js';
import { engineCallTimeoutMs, withEngineBound } from './engine-call-bound.js';
import { dockerNetworks } from './networks.js';
import { BaleenError } from '../../errors/baleen-error.js';
import { DOCKER_TRAITS } from './docker-traits.js';
import { type EngineDialect, engineDialect } from './podman.js';

const ENGINE_NAME_WAIT_MS = 2_000;

/** The local (or DOCKER_HOST) Docker engine, through dockerode. */
export class DockerRuntime implements ContainerRuntime {
  readonly traits = DOCKER_TRAITS;
  readonly networks: NetworkRuntime;
  private readonly docker: Docker;
  /** The engine's host name, asked once, for the results ("which machine ran this?"). */
  private engineName?: Promise<string | undefined>;

  /** Docker or Podman, asked once (see podman.ts for what differs). */
  private readonly dialect: () => Promise<EngineDialect>;

  constructor(docker: Docker = createDocker()) {
    this.docker = docker;
    this.dialect = engineDialect(docker);
    this.networks = dockerNetworks(docker, 'bridge');
  }

  async ping(): Promise<void> {
    await pingEngine(this.docker);
    // Asked now, while the run is checked, rather than when its first container is removed.
    void this.dialect();
  }

  engineVersion(): Promise<string> {
    return versionOf(this.docker);
  }

  checkImage(image: string): Promise<string | undefined> {
    return checkImageOn(this.docker, image);
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    // Asked now, while the container runs: its exit would otherwise wait for the first answer.
    void this.nameOfEngine();
    // A create whose answer was lost may still have made a container: find it by its labels and remove it
    // before trying again, so a retry never leaves a twin behind.
    const removeTwins = async () => {
      for (const twin of await this.listByLabels(spec.labels)) await this.removeById(twin.id);
    };
    try {
      const container = await withEngineRetry(
        (abortSignal) =>
          this.docker.createContainer({
            abortSignal,
            Image: spec.image,
            Cmd: ['sh', '-c', spec.script],
            Entrypoint: [],
            WorkingDir: spec.workDir,
            Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
            Labels: spec.labels,
            StopTimeout: spec.stopGraceSeconds,
            Tty: false,
            // As `docker run -i`: the container's stdin closes when baleen's attach ends it.
            OpenStdin: spec.stdin === true,
            StdinOnce: spec.stdin === true,
            AttachStdin: spec.stdin === true,
            AttachStdout: true,
            AttachStderr: true,
            // No AutoRemove: the stopped container must still exist to copy the report out; we remove it.
            HostConfig: {
              AutoRemove: false,
              Privileged: false,
              NetworkMode: spec.network,
              // NET_RAW would let a container forge packets (ARP spoofing) on its network; nothing a suite needs.
              CapDrop: ['NET_RAW'],
              SecurityOpt: ['no-new-privileges'],
              ...(spec.limits.memoryBytes === undefined
                ? {}
                : { Memory: spec.limits.memoryBytes, MemorySwap: spec.limits.memoryBytes }),
              ...(spec.limits.nanoCpus === undefined ? {} : { NanoCpus: spec.limits.nanoCpus }),
            },
          }),
        { beforeRetry: removeTwins, bound: 'create' },
      );
      return new DockerContainer(container, () => this.nameOfEngine(), this.dialect, spec.stdin === true);
    } catch (error) {
      // The last try may have made a container whose answer was lost, too: so may any failure that is not
      // the engine's answer (a broken ssh transport, a reset connection).
      if (isTransient(error) || statusOf(error) === undefined) await removeTwins().catch(() => undefined);
      if (statusOf(error) === 404) throw imageNotFoundError(spec.image, error);
      throw toBaleenError(error, 'creating a container');
    }
  }

  /** Never holds up an exit: a slow answer is left out (and asked again next time), as is a failed one. */
  private nameOfEngine(): Promise<string | undefined> {
    this.engineName ??= this.docker.info().then(
      (info: { Name?: string }) => info.Name,
      () => {
        this.engineName = undefined;
        return undefined;
      },
    );
    return Promise.race([this.engineName, sleep(ENGINE_NAME_WAIT_MS, undefined, { ref: false })]);
  }

  async listByLabels(labels: Record<string, string>): Promise<LabelledContainer[]> {
    try {
      const found = await withEngineRetry(
        (abortSignal) =>
          this.docker.listContainers({
            all: true,
            filters: { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) },
            abortSignal,
          }),
        { bound: 'list' },
      );
      return found.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, createdAt: c.Created * 1000 }));
    } catch (error) {
      throw toBaleenError(error, 'listing containers');
    }
  }

  async removeById(id: string): Promise<void> {
    await removeContainer(this.docker.getContainer(id), this.dialect);
  }

  async buildImage(build: ImageBuild): Promise<void> {
    let progress: NodeJS.ReadableStream;
    try {
      progress = await this.docker.buildImage(build.context, {
        t: build.tag,
        dockerfile: build.dockerfile,
        labels: build.labels,
        rm: true,
        forcerm: true,
      });
    } catch (error) {
      throw toBaleenError(error, `building image ${build.tag}`);
    }
    // The engine answers 200 and reports a failed step in the stream: the build failed if any message says so.
    const messages = await new Promise<BuildMessage[]>((resolve, reject) =>
      this.docker.modem.followProgress(progress, (error: Error | null, output: BuildMessage[]) =>
        error ? reject(error) : resolve(output),
      ),
    ).catch((error: unknown) => {
      throw toBaleenError(error, `building image ${build.tag}`);
    });
    const failure = messages.find((message) => message.error !== undefined || message.errorDetail !== undefined);
    if (failure) {
      throw new BaleenError(
        'CONFIG',
        `building image ${build.tag} failed: ${(failure.errorDetail?.message ?? failure.error ?? '').trim()}`,
        {
          hint: `fix the project's Dockerfile (${build.dockerfile})`,
        },
      );
    }
  }

  async removeImage(tag: string): Promise<void> {
    try {
      await this.docker.getImage(tag).remove({ force: true });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw toBaleenError(error, `removing image ${tag}`);
    }
  }
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Fails with a BaleenError naming the cause when the engine does not answer. */
export async function pingEngine(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw isUnreachable(error) ? unreachableError(error) : toBaleenError(error, 'answering a ping');
  }
}

export async function versionOf(docker: Docker): Promise<string> {
  try {
    return (await docker.version()).Version;
  } catch (error) {
    throw isUnreachable(error) ? unreachableError(error) : toBaleenError(error, 'telling its version');
  }
}

/** Fails with IMAGE_NOT_FOUND when the engine does not have the image; else its id (`sha256:…`). */
export async function checkImageOn(docker: Docker, image: string): Promise<string> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (statusOf(error) === 404) throw imageNotFoundError(image, error, await imagesNear(docker, image));
    throw toBaleenError(error, `inspecting image ${image}`);
  }
}

/**
 * The images the engine has whose names are a typo away from `image` (`shop-acceptance-runner` for
 * `shop-acceptance-runer`), named as the person would type them: without `:latest` when they gave no tag.
 * None when the engine cannot list them: the advice is a courtesy, the missing image is the error.
 */
async function imagesNear(docker: Docker, image: string): Promise<string[]> {
  const untagged = !/:[^/]+$/.test(image);
  try {
    const tags = (await docker.listImages()).flatMap((summary) => summary.RepoTags ?? []);
    const names = tags
      .map((tag) => (untagged ? tag.replace(/:latest$/, '') : tag))
      .filter((tag) => tag !== '<none>:<none>');
    return closestNames(image, names);
  } catch {
    return [];
  }
}

async function removeContainer(container: Docker.Container, dialect: () => Promise<EngineDialect>): Promise<void> {
  // Podman's forced removal waits the stop timeout for a process that ignores SIGTERM (podman.ts): kill it
  // first. It may have ended already, or be gone: the removal below says what matters.
  if ((await dialect()).killBeforeRemove)
    await withEngineBound('kill', (abortSignal) => container.kill({ abortSignal })).catch(() => undefined);
  try {
    await withEngineRetry((abortSignal) => container.remove({ force: true, v: true, abortSignal }), {
      bound: 'remove',
    });
  } catch (error) {
    // 404: already gone; 409: the engine is removing it already. Both mean the job is done.
    const status = statusOf(error);
    if (status === 404 || status === 409) return;
    throw toBaleenError(error, `removing container ${container.id.slice(0, 12)}`);
  }
}

class DockerContainer implements CreatedContainer {
  constructor(
    private readonly container: Docker.Container,
    private readonly engineName: () => Promise<string | undefined>,
    private readonly dialect: () => Promise<EngineDialect>,
    private readonly withStdin = false,
  ) {}

  get id(): string {
    return this.container.id;
  }

  async attach(sinks: OutputSinks): Promise<AttachedContainer> {
    let stream: NodeJS.ReadWriteStream;
    try {
      // With stdin, the attach is a hijacked connection: what baleen writes to it is the container's stdin.
      // Only the handshake is bounded: the bound's timer is cleared once the stream is there, so the signal
      // never ends the stream itself.
      stream = await withEngineBound('attach', (abortSignal) =>
        this.container.attach(attachOptions(abortSignal, this.withStdin)),
      );
    } catch (error) {
      throw toBaleenError(error, 'attaching to a container');
    }
    const stdout = sinkStream(sinks.stdout);
    const stderr = sinkStream(sinks.stderr);
    this.container.modem.demuxStream(stream, stdout, stderr);
    // demuxStream never ends its targets: end them when the attach stream ends.
    const outputDone = finished(stream as unknown as PassThrough, { readable: true, writable: false }).finally(() => {
      stdout.end();
      stderr.end();
      sinks.end?.();
    });
    const container = this.container;
    // The exit may never be awaited (start failed, or the run was cancelled first, and the container removed):
    // its rejection must not become an unhandled one, which would end the process.
    const exited = outputDone.then(async () => withNode(await waitForExit(container), await this.engineName()));
    exited.catch(() => undefined);
    return {
      start: async () => {
        try {
          await withEngineRetry((abortSignal) => container.start({ abortSignal }), { bound: 'start' });
        } catch (error) {
          throw toBaleenError(error, 'starting a container');
        }
      },
      // The attach stream ends when the container's output closes, at the process's exit. Only then do we ask
      // for the exit: unlike a 'next-exit' wait sent before start, there is no race with a container that
      // finishes before the wait request reaches the engine, and no output can be missed.
      exited,
      node: () => this.engineName(),
      ...(this.withStdin ? { stdin: stream } : {}),
    };
  }

  async readFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
    let archive: NodeJS.ReadableStream;
    try {
      archive = await withEngineRetry(() => this.container.getArchive({ path }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw toBaleenError(error, `copying ${path} out of a container`);
    }
    return readFirstFileFromTar(archive as unknown as PassThrough, maxBytes);
  }

  async stop(graceSeconds: number): Promise<void> {
    try {
      // The engine answers a stop once the grace period is over: the bound counts from then.
      await withEngineBound(
        'stop',
        (abortSignal) => this.container.stop({ t: graceSeconds, abortSignal }),
        graceSeconds * 1000 + engineCallTimeoutMs(),
      );
    } catch (error) {
      // 304: already stopped; 404: already gone.
      const status = statusOf(error);
      if (status === 304 || status === 404) return;
      throw toBaleenError(error, `stopping container ${this.container.id.slice(0, 12)}`);
    }
  }

  remove(): Promise<void> {
    return removeContainer(this.container, this.dialect);
  }
}

/**
 * The exit of a container whose output has ended. Usually the process is gone by then and one inspect tells
 * both the exit code and whether memory killed it; should the output have closed before the process exited,
 * wait for it first.
 */
async function waitForExit(container: Docker.Container): Promise<ContainerExit> {
  try {
    const inspect = async () =>
      (await withEngineBound('inspect', (abortSignal) => container.inspect({ abortSignal }))).State;
    let state = await inspect();
    if (state.Running) {
      await container.wait({ condition: 'not-running' });
      state = await inspect();
    }
    return { exitCode: state.ExitCode, oomKilled: state.OOMKilled === true };
  } catch (error) {
    throw toBaleenError(error, 'waiting for a container to exit');
  }
}

/**
 * The attach request, with no body: docker-modem would send these options as one, and Podman hands that body
 * to the container's stdin ahead of what baleen writes there (podman.ts). `_body` is docker-modem's override
 * of the body (an empty one is none; engine-connection.ts sends a hijacked request's headers without it).
 */
function attachOptions(abortSignal: AbortSignal, withStdin: boolean): Docker.ContainerAttachOptions {
  const options = {
    stream: true,
    stdout: true,
    stderr: true,
    logs: true,
    abortSignal,
    _body: {},
    ...(withStdin ? { stdin: true, hijack: true } : {}),
  };
  return options;
}

function withNode(exit: ContainerExit, node: string | undefined): ContainerExit {
  return node === undefined ? exit : { ...exit, node };
}

function sinkStream(sink: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink(chunk);
      callback();
    },
  });
}
