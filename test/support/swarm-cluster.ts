import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { mountsUnder } from './host.js';

/**
 * Docker engines that live beside the machine's main engine without touching it: each in its own network
 * namespace (so Swarm's ports, the docker0 bridge and its routes are its own), its own mount namespace (so
 * every overlay and netns mount it makes vanishes with it) and its own UTS namespace (so each swarm node has
 * a hostname of its own), with its own data root, exec root, socket and containerd.
 */

const execFileAsync = promisify(execFile);

/** Runs a command and returns its trimmed stdout; a failure says which command and what it printed. */
export async function run(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${stderr?.trim() || message}`);
  }
}

/** Polls `check` until it returns something other than undefined; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Why these nodes cannot run on this machine, or undefined when they can. Asked before any test, so that a
 * machine without the tools or the privileges skips with the reason instead of failing half-way.
 */
export function whyNodesCannotRun(): string | undefined {
  if (process.getuid?.() !== 0) return 'extra Docker engines in network namespaces need root';
  for (const tool of ['ip', 'nsenter', 'unshare', 'dockerd', 'docker']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `\`${tool}\` is not installed (ip: iproute2; nsenter, unshare: util-linux; dockerd: docker.io)`;
    }
  }
  try {
    execFileSync('unshare', ['--net', '--mount', '--uts', 'true'], { stdio: 'pipe' });
  } catch (error) {
    return `this process may not create namespaces: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  return undefined;
}

const DAEMON_READY_MS = 30_000;
/** dockerd's own shutdown waits up to 15 s for containers to stop; a little more before the SIGKILL. */
const DAEMON_STOP_MS = 20_000;

/** One dockerd in namespaces of its own, named `name` (its netns, its hostname, its swarm node's name). */
export class DockerNode {
  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly daemon: ChildProcess,
    /** The daemon's mount namespace: it, containerd and the shims live in it, containers descend from them. */
    private readonly mountNs: string,
  ) {}

  /** The engine's address, for `docker -H` and DOCKER_HOST. */
  get host(): string {
    return `unix://${join(this.dir, 'docker.sock')}`;
  }

  docker(...args: string[]): Promise<string> {
    return run('docker', ['-H', this.host, ...args]);
  }

  /** The swarm node ID, empty outside a swarm. */
  nodeId(): Promise<string> {
    return this.docker('info', '--format', '{{.Swarm.NodeID}}');
  }

  /**
   * Makes the netns, starts dockerd in it and resolves once the engine answers. With `firewall`, the engine
   * sets up its iptables rules (in its netns): what keeps two bridge networks from reaching each other.
   */
  static async start(root: string, name: string, firewall = false): Promise<DockerNode> {
    const dir = join(root, name);
    await mkdir(dir);
    await run('ip', ['netns', 'add', name]);
    let daemon: ChildProcess | undefined;
    try {
      await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
      daemon = await spawnDaemon(name, dir, firewall);
      await waitUntilAnswering(name, dir, daemon);
      return new DockerNode(name, dir, daemon, isolatedMountNs(daemon.pid!));
    } catch (error) {
      await abandon(daemon);
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Leaves the swarm (which removes the node's task containers), stops dockerd (SIGTERM, then SIGKILL),
   * kills anything of its still alive, deletes the netns (and the veth in it) and unmounts what is left.
   */
  async stop(): Promise<void> {
    await this.docker('swarm', 'leave', '--force').catch(() => undefined); // a node outside a swarm says so
    await stopProcess(this.daemon);
    await killAll(this.mountNs);
    await run('ip', ['netns', 'del', this.name]).catch(() => undefined);
    await unmountUnder(this.dir);
  }

  /** Whatever of this node is still on the machine: processes, its netns, mounts, a veth. Empty after stop(). */
  async leftovers(): Promise<string[]> {
    const left: string[] = [];
    const processes = processesOf(this.mountNs);
    if (processes.length > 0) left.push(`${this.name}: processes ${processes.join(', ')}`);
    if ((await run('ip', ['netns', 'list'])).split('\n').some((line) => line.split(' ')[0] === this.name))
      left.push(`${this.name}: netns`);
    const mounts = mountsUnder(this.dir);
    if (mounts.length > 0) left.push(`${this.name}: mounts ${mounts.join(', ')}`);
    return left;
  }
}

async function spawnDaemon(name: string, dir: string, firewall: boolean): Promise<ChildProcess> {
  await writeFile(join(dir, 'daemon.json'), '{}\n');
  const flags = [
    // An empty config file: /etc/docker/daemon.json belongs to the main engine (its `hosts` would clash).
    '--config-file',
    join(dir, 'daemon.json'),
    '--data-root',
    join(dir, 'data'),
    '--exec-root',
    join(dir, 'exec'),
    '--pidfile',
    join(dir, 'docker.pid'),
    '-H',
    `unix://${join(dir, 'docker.sock')}`,
    // A swarm's nodes need no NAT, published ports or isolated networks: without, the netns has no rules.
    `--iptables=${firewall}`,
  ];
  // setpriv, nsenter, unshare and sh each exec the next, so the child's pid is dockerd's. The netns comes from `ip
  // netns`; the mount ns is new but sees the host's /sys (`ip netns exec` remounts /sys, which hides the
  // cgroup mounts: dockerd then fails with "Devices cgroup isn't mounted"); the UTS ns gives the hostname.
  const setHostname = 'echo "$0" > /proc/sys/kernel/hostname && exec "$@"';
  // setpriv first: the daemon gets SIGTERM (and shuts down cleanly) should the process that started it end
  // without stopping it, as vitest does on Ctrl-C, which skips the global teardown.
  const args = [
    '--pdeathsig',
    'SIGTERM',
    'nsenter',
    `--net=/run/netns/${name}`,
    'unshare',
    '--mount',
    '--propagation',
    'slave',
    '--uts',
    'sh',
    '-c',
    setHostname,
    name,
    'dockerd',
    ...flags,
  ];
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  try {
    return spawn('setpriv', args, { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

/** A daemon that never became usable: stopped, and anything it started with it. */
async function abandon(daemon: ChildProcess | undefined): Promise<void> {
  if (daemon?.pid === undefined) return;
  const ns = mountNsOf(String(daemon.pid));
  await stopProcess(daemon);
  if (ns !== undefined && ns !== readlinkSync('/proc/self/ns/mnt')) await killAll(ns);
}

async function waitUntilAnswering(name: string, dir: string, daemon: ChildProcess): Promise<void> {
  try {
    await until(`dockerd ${name} to answer`, DAEMON_READY_MS, async () => {
      if (hasExited(daemon)) throw new Error(`dockerd ${name} exited (${daemon.exitCode ?? daemon.signalCode})`);
      return run('docker', [
        '-H',
        `unix://${join(dir, 'docker.sock')}`,
        'version',
        '--format',
        '{{.Server.Version}}',
      ]).then(
        () => true,
        () => undefined,
      );
    });
  } catch (error) {
    const log = await readFile(join(dir, 'dockerd.log'), 'utf8').catch(() => '');
    throw new Error(`${(error as Error).message}; the end of its log:\n${log.split('\n').slice(-15).join('\n')}`);
  }
  const pidFile = Number((await readFile(join(dir, 'docker.pid'), 'utf8')).trim());
  if (pidFile !== daemon.pid)
    throw new Error(
      `dockerd ${name} runs as pid ${pidFile}, not as the spawned ${daemon.pid}: cannot stop it reliably`,
    );
}

/**
 * The daemon's mount namespace, which marks every process of the node. Read once dockerd answers (its
 * unshare has happened by then); refused if it were ours, as killAll would then reach this very process.
 */
function isolatedMountNs(pid: number): string {
  const ns = readlinkSync(`/proc/${pid}/ns/mnt`);
  if (ns === readlinkSync('/proc/self/ns/mnt')) throw new Error(`dockerd ${pid} shares this process's mount namespace`);
  return ns;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if (await settlesWithin(exited, DAEMON_STOP_MS)) return;
  child.kill('SIGKILL');
  await settlesWithin(exited, 5_000);
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const timeout = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  const settled = await Promise.race([promise.then(() => true), timeout]);
  timer.abort();
  return settled;
}

/** Processes in the mount namespace and all their descendants (containers have mount namespaces of their own). */
function processesOf(mountNs: string): number[] {
  const table = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => ({ pid: Number(entry), ppid: parentOf(entry), ns: mountNsOf(entry) }));
  const found = new Set(table.filter((proc) => proc.ns === mountNs).map((proc) => proc.pid));
  // Parents may be listed after their children: sweep until a pass adds nothing.
  let size = -1;
  while (size !== found.size) {
    size = found.size;
    for (const proc of table) if (found.has(proc.ppid)) found.add(proc.pid);
  }
  return [...found];
}

function parentOf(pid: string): number {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and brackets, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1; // gone meanwhile
  }
}

function mountNsOf(pid: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined; // gone, or a zombie
  }
}

/** After dockerd is gone: whatever it left running (a shim, a container) is killed, and waited for. */
async function killAll(mountNs: string): Promise<void> {
  for (const pid of processesOf(mountNs)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await until("the node's processes to end", 10_000, () => (processesOf(mountNs).length === 0 ? true : undefined));
}

/** The daemon's mounts live in its own mount namespace and die with it; this is for anything that leaked. */
async function unmountUnder(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) await run('umount', ['-l', point]).catch(() => undefined);
}

/** A private /24 for the link between the nodes that no address or route on this machine uses yet. */
async function unusedSubnet(): Promise<string> {
  const taken = `${await run('ip', ['-4', '-o', 'addr', 'show'])}\n${await run('ip', ['-4', 'route', 'show', 'table', 'all'])}`;
  for (let octet = 77; octet < 255; octet++) if (!taken.includes(`10.231.${octet}.`)) return `10.231.${octet}`;
  throw new Error('every 10.231.X.0/24 is in use on this machine');
}

/** A veth pair made straight inside the two netns (nothing appears on the host), each end with an address. */
async function link(a: DockerNode, b: DockerNode, subnet: string): Promise<[string, string]> {
  const ends = [`bs${process.pid}a`, `bs${process.pid}b`] as const;
  await run('ip', ['link', 'add', ends[0], 'netns', a.name, 'type', 'veth', 'peer', 'name', ends[1], 'netns', b.name]);
  const addresses: [string, string] = [`${subnet}.1`, `${subnet}.2`];
  for (const [node, end, address] of [
    [a, ends[0], addresses[0]],
    [b, ends[1], addresses[1]],
  ] as const) {
    await run('ip', ['-n', node.name, 'addr', 'add', `${address}/24`, 'dev', end]);
    await run('ip', ['-n', node.name, 'link', 'set', end, 'up']);
  }
  return addresses;
}

/** Starts every named node at once; if any fails, the ones that started are stopped again. */
async function startNodes(root: string, names: string[], firewall = false): Promise<DockerNode[]> {
  const started = await Promise.allSettled(names.map((name) => DockerNode.start(root, name, firewall)));
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure === undefined) return nodes;
  await Promise.allSettled(nodes.map((node) => node.stop()));
  throw failure.reason;
}

/** Nodes in a temp folder of their own; stop() tears everything down and returns what could not be. */
class NodeGroup {
  protected constructor(
    readonly root: string,
    protected readonly nodes: DockerNode[],
  ) {}

  async stop(): Promise<string[]> {
    await Promise.allSettled(this.nodes.map((node) => node.stop()));
    const left = (await Promise.all(this.nodes.map((node) => node.leftovers()))).flat();
    await unmountUnder(this.root);
    // The veth ends are made inside the netns and die with them; one on the host would be a leak.
    const links = await run('ip', ['-o', 'link', 'show']);
    if (links.includes(`bs${process.pid}`)) left.push(`veth bs${process.pid}* on the host`);
    await rm(this.root, { recursive: true, force: true }).catch((error: Error) =>
      left.push(`${this.root}: ${error.message}`),
    );
    return left;
  }

  protected static async inTempRoot<T>(build: (root: string) => Promise<T>, prefix = 'baleen-swarm-'): Promise<T> {
    const root = await mkdtemp(join(tmpdir(), prefix));
    try {
      return await build(root);
    } catch (error) {
      // The set-up's own failure is the one to report, not a folder that would not go.
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }
}

/** One engine that is in no swarm, for the "not part of a swarm" error. */
export class LoneNode extends NodeGroup {
  get node(): DockerNode {
    return this.nodes[0]!;
  }

  static start(): Promise<LoneNode> {
    return NodeGroup.inTempRoot(
      async (root) => new LoneNode(root, await startNodes(root, [`baleen-lone-${process.pid}`])),
    );
  }
}

/** One of the e2e project's engines: its address, and the file a test file holds while it runs on it. */
export interface TestEngine {
  host: string;
  lease: string;
}

/**
 * The e2e project's engines, as many as it runs files at once (see test/support/worker-engine.ts): each a
 * one-node swarm manager holding `images`, loaded from the engine they were built on, with its firewall (so
 * that one run's network cannot reach another's, as on a stock engine). Two test files run at once, each on
 * an engine of its own, so each file's "no container left behind" still counts only its own containers.
 */
export class TestEngines extends NodeGroup {
  get engines(): TestEngine[] {
    return this.nodes.map((node) => ({ host: node.host, lease: join(node.dir, 'lease') }));
  }

  static start(count: number, images: readonly string[]): Promise<TestEngines> {
    return NodeGroup.inTempRoot(async (root) => {
      const names = Array.from({ length: count }, (_, index) => `${TEST_ENGINE_PREFIX}${process.pid}-${index + 1}`);
      const nodes = await startNodes(root, names, true);
      try {
        await loadImages(root, images, nodes);
        await Promise.all(nodes.map((node) => node.docker('swarm', 'init', '--advertise-addr', '127.0.0.1')));
        return new TestEngines(root, nodes);
      } catch (error) {
        await Promise.allSettled(nodes.map((node) => node.stop()));
        throw error;
      }
    }, `${TEST_ENGINE_PREFIX}${process.pid}-`);
  }
}

/** The e2e engines' netns and temp folders are named `baleen-e2e-<pid of vitest>-…`. */
export const TEST_ENGINE_PREFIX = 'baleen-e2e-';

/**
 * What the e2e engines of a vitest process that is gone left (Ctrl-C ends vitest without its global teardown;
 * their daemons end with it, see spawnDaemon): their netns and temp folders.
 */
export async function removeStaleTestEngines(isGone: (pid: number) => boolean): Promise<void> {
  const stale = (name: string) => {
    const match = new RegExp(`^${TEST_ENGINE_PREFIX}(\\d+)-`).exec(name);
    return match !== null && isGone(Number(match[1]));
  };
  for (const ns of (await run('ip', ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0] ?? ''))
    if (stale(ns)) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  for (const name of await readdir(tmpdir()))
    if (stale(name)) {
      await unmountUnder(join(tmpdir(), name));
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    }
}

/** A swarm node and its ID. */
export interface SwarmMember {
  node: DockerNode;
  id: string;
}

/** A manager and a worker joined over a veth pair, each holding `image` (loaded from the main engine). */
export class SwarmCluster extends NodeGroup {
  private constructor(
    root: string,
    readonly manager: SwarmMember,
    readonly worker: SwarmMember,
  ) {
    super(root, [manager.node, worker.node]);
  }

  static start(image: string): Promise<SwarmCluster> {
    return NodeGroup.inTempRoot(async (root) => {
      const [manager, worker] = (await startNodes(root, [
        `baleen-manager-${process.pid}`,
        `baleen-worker-${process.pid}`,
      ])) as [DockerNode, DockerNode];
      try {
        const [managerIp] = await link(manager, worker, await unusedSubnet());
        const ids = await joinSwarm(manager, worker, managerIp);
        await loadImages(root, [image], [manager, worker]);
        return new SwarmCluster(root, { node: manager, id: ids.manager }, { node: worker, id: ids.worker });
      } catch (error) {
        await Promise.allSettled([manager.stop(), worker.stop()]);
        throw error;
      }
    });
  }

  /**
   * Waits until the swarm holds no service and neither node a container (the worker's agent removes its task
   * containers on its own, a moment after the service goes), then removes whatever is still there so that
   * one leaking test does not fail the next. Returns what had to be removed.
   */
  async leftoverWork(timeoutMs = 30_000): Promise<{ services: string[]; containers: string[] }> {
    const current = async () => ({
      services: lines(await this.manager.node.docker('service', 'ls', '-q')),
      containers: (
        await Promise.all(
          [this.manager.node, this.worker.node].map(async (node) =>
            lines(await node.docker('ps', '-aq')).map((id) => `${node.name}:${id}`),
          ),
        )
      ).flat(),
    });
    const empty = (work: { services: string[]; containers: string[] }) =>
      work.services.length + work.containers.length === 0;
    let last = await current();
    await until('no service and no container', timeoutMs, async () =>
      empty((last = await current())) ? true : undefined,
    ).catch(() => undefined);
    await this.removeWork(last);
    return last;
  }

  private async removeWork({ services, containers }: { services: string[]; containers: string[] }): Promise<void> {
    if (services.length > 0) await this.manager.node.docker('service', 'rm', ...services).catch(() => undefined);
    for (const entry of containers) {
      const [name, id] = entry.split(':') as [string, string];
      const node = name === this.manager.node.name ? this.manager.node : this.worker.node;
      await node.docker('rm', '-f', id).catch(() => undefined);
    }
  }
}

async function joinSwarm(
  manager: DockerNode,
  worker: DockerNode,
  managerIp: string,
): Promise<{ manager: string; worker: string }> {
  await manager.docker('swarm', 'init', '--advertise-addr', managerIp);
  const token = await manager.docker('swarm', 'join-token', '-q', 'worker');
  await worker.docker('swarm', 'join', '--token', token, `${managerIp}:2377`);
  const ids = { manager: await manager.nodeId(), worker: await worker.nodeId() };
  // The scheduler places tasks only on ready nodes; a node that has just joined is not ready at once.
  await until('the worker to be ready', 30_000, async () =>
    (await manager.docker('node', 'inspect', ids.worker, '--format', '{{.Status.State}}')) === 'ready'
      ? true
      : undefined,
  );
  return ids;
}

/** `docker save` from the main engine (a read), then a load on each node. */
async function loadImages(root: string, images: readonly string[], nodes: DockerNode[]): Promise<void> {
  const archive = join(root, 'images.tar');
  await run('docker', ['save', '-o', archive, ...images]);
  await Promise.all(nodes.map((node) => node.docker('load', '-q', '-i', archive)));
  await rm(archive);
}

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}
