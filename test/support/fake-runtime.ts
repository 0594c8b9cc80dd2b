import type {
  AttachedContainer,
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  CreatedContainer,
  LabelledContainer,
  OutputSinks,
} from '../../src/runtime/container-runtime.js';
import type { RuntimeTraits } from '../../src/runtime/runtime-traits.js';
import { featureLauncher } from '../../src/actors/feature-launcher.js';
import { Dispatcher } from '../../src/dispatcher/dispatcher.js';

/** What a fake container does; unit tests of the state machines script it. Real behaviour is e2e-tested. */
export interface FakeBehaviour {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  report?: string;
  failCreate?: Error;
  failStart?: Error;
  /** The container runs this long before it exits (default: it exits at the next turn of the event loop). */
  runsForMs?: number;
  /** The container runs until removed (for cancellation tests). */
  hang?: boolean;
  /** The start waits for a node that never comes, until its signal aborts it (a cluster's pending task). */
  neverScheduled?: boolean;
  /** The start takes until this settles (a slow engine, a node found late). */
  startWhen?: Promise<void>;
}

/** One engine with no stdin for its containers, no image builds and no placement. */
export const FAKE_TRAITS: RuntimeTraits = {
  kind: 'fake',
  summary: 'a fake engine',
  unit: 'container',
  stdin: false,
  createsIdle: false,
  builds: false,
  networks: { create: (name) => `fake network create ${name}` },
  build: (image) => `fake build ${image}`,
};

export class FakeRuntime implements ContainerRuntime {
  readonly traits: RuntimeTraits;
  readonly created: ContainerSpec[] = [];
  readonly removed: string[] = [];
  private next = 0;
  running = 0;
  maxRunning = 0;
  /** Starts that are waiting, and how many of them were aborted. */
  waitingToStart = 0;
  abortedStarts = 0;

  /** `createsIdle`: a created container runs nothing until started, as a Docker engine's (the dispatcher then makes containers ahead). */
  constructor(
    private readonly behaviourOf: (spec: ContainerSpec) => FakeBehaviour = () => ({}),
    options: { createsIdle?: boolean } = {},
  ) {
    this.traits = { ...FAKE_TRAITS, createsIdle: options.createsIdle ?? false };
  }

  /** Networks made and removed, by name. */
  readonly networkLog: string[] = [];
  readonly networks = {
    createNetwork: async (name: string) => void this.networkLog.push(`+${name}`),
    removeNetwork: async (name: string) => void this.networkLog.push(`-${name}`),
    networkExists: async () => true,
    listNetworksByLabels: async () => [],
  };

  async ping(): Promise<void> {}
  async engineVersion(): Promise<string> {
    return 'fake';
  }
  async checkImage(): Promise<string | undefined> {
    return undefined;
  }
  async listByLabels(labels: Record<string, string>): Promise<LabelledContainer[]> {
    return this.created
      .map((spec, index) => ({ id: `fake-${index + 1}`, labels: spec.labels }))
      .filter(
        ({ id, labels: own }) =>
          !this.removed.includes(id) && Object.entries(labels).every(([key, value]) => own[key] === value),
      );
  }
  async removeById(id: string): Promise<void> {
    this.removed.push(id);
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const behaviour = this.behaviourOf(spec);
    if (behaviour.failCreate) throw behaviour.failCreate;
    this.created.push(spec);
    const id = `fake-${++this.next}`;
    let kill: (() => void) | undefined;
    let removed = false;
    const runtime = this;
    return {
      id,
      async attach(sinks: OutputSinks): Promise<AttachedContainer> {
        let finish!: (exit: ContainerExit) => void;
        const exited = new Promise<ContainerExit>((resolve) => (finish = resolve));
        return {
          exited,
          async start(signal?: AbortSignal) {
            if (behaviour.failStart) throw behaviour.failStart;
            if (behaviour.neverScheduled) {
              runtime.waitingToStart++;
              await new Promise((_, reject) =>
                signal?.addEventListener('abort', () => {
                  runtime.abortedStarts++;
                  reject(signal.reason);
                }),
              );
            }
            await behaviour.startWhen;
            // As on an engine: a container removed while its start was on the way does not run.
            if (removed) throw new Error(`no such container: ${id}`);
            runtime.running++;
            runtime.maxRunning = Math.max(runtime.maxRunning, runtime.running);
            const done = (exitCode: number) => {
              runtime.running--;
              finish({ exitCode, oomKilled: false });
            };
            if (behaviour.hang) {
              kill = () => done(137);
              return;
            }
            const exit = (run: () => void) =>
              behaviour.runsForMs === undefined ? setImmediate(run) : setTimeout(run, behaviour.runsForMs);
            exit(() => {
              if (behaviour.stdout) sinks.stdout(Buffer.from(behaviour.stdout));
              if (behaviour.stderr) sinks.stderr(Buffer.from(behaviour.stderr));
              sinks.end?.();
              done(behaviour.exitCode ?? 0);
            });
          },
        };
      },
      async readFile() {
        return behaviour.report === undefined ? undefined : Buffer.from(behaviour.report);
      },
      async stop() {
        kill?.();
      },
      async remove() {
        kill?.();
        removed = true;
        runtime.removed.push(id);
      },
    };
  }
}

/** A dispatcher of `capacity` slots whose jobs run in containers of the fake runtime, on a network always ready. */
export function fakeDispatcher(runtime: FakeRuntime, capacity: number): Dispatcher {
  return new Dispatcher(
    capacity,
    featureLauncher({
      serverId: 's1',
      owner: 'host/1',
      runtime,
      networkOf: () => ({ name: 'n', ready: Promise.resolve(), settled: () => true }),
    }),
  );
}
