import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A Podman service of the tests' own: `podman system service` serving the Docker-compatible API on a socket
 * in `dir`, with its storage, run state, locks, networks and events under `dir` too, so that it never touches
 * the machine's own Podman (or anything else) and leaves nothing behind once `stop` removed `dir`.
 *
 * It runs in network and mount namespaces of its own (unshare, so root): the bridges and firewall rules it
 * makes for run networks stay there, and its overlay mounts go when its last process ends. This machine
 * refuses Podman's default rlimits and crun refuses its cgroups, hence default_ulimits and runc (issue 20).
 */
export interface PodmanService {
  readonly dir: string;
  /** `unix://…/podman.sock`, for DOCKER_HOST. */
  readonly host: string;
  stop(): Promise<void>;
}

/** Where a service for `dir` listens: known before it starts, so a vitest project can name it in its env. */
export const podmanHost = (dir: string) => `unix://${join(dir, 'podman.sock')}`;

/** The folder of the podman project's service: one per vitest process (its config and its set-up agree on it). */
export const podmanTestDir = () => join(tmpdir(), `baleen-test-podman-${process.pid}`);

export async function startPodmanService(dir: string): Promise<PodmanService> {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'the podman project needs podman and runc (apt-get install podman runc netavark aardvark-dns, as .ci/run does); without them, run the other projects: npx vitest run --project unit --project e2e',
    );
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'containers.conf');
  const storage = join(dir, 'storage.conf');
  await writeFile(
    conf,
    [
      '[containers]',
      'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, 'events.log')}"`,
      // Not the shared memory every Podman on the machine locks in: files under its own tmpdir.
      'lock_type = "file"',
      `tmp_dir = "${join(dir, 'tmp')}"`,
      `static_dir = "${join(dir, 'root', 'libpod')}"`,
      `volume_path = "${join(dir, 'volumes')}"`,
      '[network]',
      `network_config_dir = "${join(dir, 'networks')}"`,
      '',
    ].join('\n'),
  );
  await writeFile(
    storage,
    [
      '[storage]',
      'driver = "overlay"',
      `graphroot = "${join(dir, 'root')}"`,
      `runroot = "${join(dir, 'run')}"`,
      '',
    ].join('\n'),
  );
  const host = podmanHost(dir);
  const env: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
  // Its log goes to a file, not a pipe: the containers' conmon processes inherit it and may outlive a test.
  const log = join(dir, 'service.log');
  const logFile = await open(log, 'w');
  const child = spawn(
    'unshare',
    ['--net', '--mount', '--propagation', 'private', '--', 'podman', 'system', 'service', '--time=0', host],
    // Its own folder as its working directory: Podman 4's conmon writes a container's `oom` file there.
    { env, cwd: dir, detached: true, stdio: ['ignore', 'ignore', logFile.fd] },
  );
  await logFile.close();
  child.unref();
  const stop = () => stopService(child, host, dir);
  try {
    await waitForAnswer(host, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, host, stop };
}

async function waitForAnswer(host: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const failed = async (why: string) => new Error(`podman system service ${why}: ${await readFile(log, 'utf8')}`);
  for (;;) {
    if (child.exitCode !== null) throw await failed(`ended (exit ${child.exitCode})`);
    try {
      execFileSync('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' });
      return;
    } catch {
      if (Date.now() > deadline) throw await failed('did not answer in 60 s');
      await sleep(200);
    }
  }
}

/** Removes whatever containers are left (a failed test's), stops the service and removes its folder. */
async function stopService(child: ChildProcess, host: string, dir: string): Promise<void> {
  try {
    const left = execFileSync('docker', ['-H', host, 'ps', '-aq'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (left.length > 0) execFileSync('docker', ['-H', host, 'rm', '-f', ...left], { stdio: 'ignore' });
  } catch {
    // The service is gone already: nothing to remove through it.
  }
  if (child.exitCode === null && child.pid !== undefined) {
    // Held again while it ends: with nothing else to do, the test process would otherwise exit before it did.
    child.ref();
    process.kill(-child.pid, 'SIGTERM');
    const ended = new Promise((resolve) => child.once('exit', resolve));
    if ((await Promise.race([ended, sleep(15_000, 'late', { ref: false })])) === 'late')
      process.kill(-child.pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
}

/** Puts the Docker engine's images into the service (`docker save | docker load`: no registry needed). */
export async function loadImages(from: string | undefined, to: string, images: readonly string[]): Promise<void> {
  // No `from`: the engine the docker CLI picks by itself (its context, the local socket). Not this process's
  // DOCKER_HOST: in a podman test that names the Podman service, which has no image until this loads it.
  const host = from ? ['-H', from] : [];
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  const save = spawn('docker', [...host, 'save', ...images], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const load = spawn('docker', ['-H', to, 'load', '--quiet'], { stdio: ['pipe', 'ignore', 'pipe'] });
  save.stdout!.pipe(load.stdin!);
  const errors: string[] = [];
  for (const child of [save, load]) child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const codes = await Promise.all([save, load].map((child) => new Promise((resolve) => child.once('close', resolve))));
  if (codes.some((code) => code !== 0)) throw new Error(`docker save | docker load failed: ${errors.join('')}`);
}
