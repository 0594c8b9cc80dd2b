import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, mountsUnder } from './host.js';

/**
 * A second Docker engine on this machine, reachable over TCP only with mutual TLS (plus a unix socket of its
 * own for the test's checks): what a remote `DOCKER_HOST=tcp://…` engine looks like, without a second
 * machine. Its state, sockets, log and certificates all live under one temp dir.
 */
export interface TlsEngine {
  /** `tcp://127.0.0.1:PORT`: give it as DOCKER_HOST. */
  readonly host: string;
  /** Its own unix socket, for the test's `docker -H` checks (baleen is never pointed at it). */
  readonly socket: string;
  readonly root: string;
  /** Folders in DOCKER_CERT_PATH's layout: the right ones, a CA that did not sign the engine, no client cert. */
  readonly certs: { client: string; wrongCa: string; noClientCert: string };
  /** `docker -H unix://<its socket> ARGS`: its stdout. */
  docker(args: string[]): string;
  /** Stops the engine, waits for it to exit, checks it left no process or mount, removes its dir. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;
const POLL_MS = 200;

export async function startTlsEngine(): Promise<TlsEngine> {
  const root = await mkdtemp(join(tmpdir(), 'baleen-tls-engine-'));
  let daemon: ChildProcess | undefined;
  try {
    const certs = await makeCertificates(join(root, 'certs'));
    const port = await freePort();
    const socket = join(root, 'docker.sock');
    const docker = (args: string[]) =>
      execFileSync('docker', ['-H', `unix://${socket}`, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: withoutDockerEnv(),
      });
    createBridge(BRIDGE);
    daemon = await startDockerd(root, socket, port, certs.server);
    await waitUntilReady(daemon, docker, root);
    const started = daemon;
    return {
      host: `tcp://127.0.0.1:${port}`,
      socket,
      root,
      certs: { client: certs.client, wrongCa: certs.wrongCa, noClientCert: certs.noClientCert },
      docker,
      stop: () => stopEngine(started, root),
    };
  } catch (error) {
    if (daemon) await stopEngine(daemon, root).catch(() => undefined);
    else {
      deleteBridge(BRIDGE);
      await rm(root, { recursive: true, force: true });
    }
    throw error;
  }
}

/**
 * The second engine's own bridge. Never `--bridge none`: a dockerd started with it deletes the host's docker0,
 * which the first engine's containers need (seen here: every container of the first engine then failed with
 * "could not find bridge docker0").
 */
const BRIDGE = `baleentls${process.pid % 100_000}`;

function createBridge(name: string): void {
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  deleteBridge(name);
  ip('link', 'add', name, 'type', 'bridge');
  ip('addr', 'add', `10.233.${20 + (process.pid % 200)}.1/24`, 'dev', name);
  ip('link', 'set', name, 'up');
}

function deleteBridge(name: string): void {
  try {
    execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

/** Copies an image from the main engine into the second one (`docker save | docker -H … load`). */
export function loadImage(engine: TlsEngine, image: string): void {
  execFileSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'docker save "$1" | docker -H "unix://$2" load --quiet',
      'load-image',
      image,
      engine.socket,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: withoutDockerEnv(),
    },
  );
}

/** The test's own docker commands must reach the engine they name, whatever this shell's DOCKER_* say. */
function withoutDockerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT'])
    delete env[key];
  return env;
}

async function startDockerd(root: string, socket: string, port: number, serverCerts: string): Promise<ChildProcess> {
  await writeFile(join(root, 'daemon.json'), '{}\n'); // not the machine's /etc/docker/daemon.json
  const args = [
    '--data-root',
    join(root, 'data'),
    '--exec-root',
    join(root, 'exec'),
    '--pidfile',
    join(root, 'docker.pid'),
    '--config-file',
    join(root, 'daemon.json'),
    '-H',
    `unix://${socket}`,
    '-H',
    `tcp://127.0.0.1:${port}`,
    '--tlsverify',
    '--tlscacert',
    join(serverCerts, 'ca.pem'),
    '--tlscert',
    join(serverCerts, 'cert.pem'),
    '--tlskey',
    join(serverCerts, 'key.pem'),
    // Leave the first engine's network alone: a bridge of its own, no iptables rules (see BRIDGE).
    '--bridge',
    BRIDGE,
    '--iptables=false',
    '--ip-masq=false',
    // Should a system containerd be shared, this engine's containers stay apart from the first engine's.
    '--containerd-namespace',
    'baleen-tls-test',
    '--containerd-plugins-namespace',
    'baleen-tls-test-plugins',
  ];
  const log = openSync(join(root, 'dockerd.log'), 'a');
  try {
    return spawn('dockerd', args, {
      stdio: ['ignore', log, log],
      env: { ...withoutDockerEnv(), PATH: `${process.env.PATH}:/usr/local/sbin:/usr/sbin:/sbin` },
    });
  } finally {
    closeSync(log);
  }
}

/** Polls the engine's own socket until it answers; fails at once if dockerd exits, with its log. */
async function waitUntilReady(daemon: ChildProcess, docker: (args: string[]) => string, root: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null)
      throw new Error(`the second dockerd exited at start:\n${logTail(root)}`);
    try {
      docker(['version', '--format', '{{.Server.Version}}']);
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`the second dockerd did not answer within ${READY_TIMEOUT_MS} ms:\n${logTail(root)}`);
      await delay(POLL_MS);
    }
  }
}

async function stopEngine(daemon: ChildProcess, root: string): Promise<void> {
  if (daemon.exitCode === null && daemon.signalCode === null) {
    const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
    daemon.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      daemon.kill('SIGKILL');
      await exited;
    }
  }
  // dockerd stops its containerd before it exits; anything still running from our dir is a leak.
  const processes = await processesUsing(root);
  for (const pid of processes) process.kill(pid, 'SIGKILL');
  const mounts = mountsUnder(root);
  // Unmount before removing, so that the removal can never reach through a mount into what it shows.
  for (const mount of mounts) execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
  await rm(root, { recursive: true, force: true });
  deleteBridge(BRIDGE);
  if (processes.length > 0 || mounts.length > 0) {
    throw new Error(
      `the second dockerd left ${processes.length} process(es) and ${mounts.length} mount(s) behind: ${[...processes, ...mounts].join(', ')}`,
    );
  }
}

/** Live processes whose command line names the dir (its dockerd, containerd, shims). */
export async function processesUsing(root: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (cmdline.includes(root) && !/^\d+ \(.*\) Z/.test(state)) pids.push(Number(entry));
  }
  return pids;
}

function logTail(root: string): string {
  try {
    return readFileSync(join(root, 'dockerd.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------- certificates

const CA_CONFIG = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

/**
 * With openssl: a CA, a server certificate for IP 127.0.0.1, a client certificate, and a second CA that signed
 * neither. Returns folders laid out as DOCKER_CERT_PATH expects.
 */
export async function makeCertificates(
  dir: string,
): Promise<{ server: string; client: string; wrongCa: string; noClientCert: string }> {
  await mkdir(dir, { recursive: true });
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  for (const ca of ['ca', 'wrong-ca']) {
    key(`${ca}-key.pem`);
    openssl(
      'req',
      '-x509',
      '-new',
      '-config',
      'ca.cnf',
      '-extensions',
      'ca',
      '-key',
      `${ca}-key.pem`,
      '-subj',
      `/CN=baleen test ${ca}`,
      '-days',
      '2',
      '-out',
      `${ca}.pem`,
    );
  }
  const signed = async (name: string, extensions: string) => {
    key(`${name}-key.pem`);
    openssl(
      'req',
      '-new',
      '-config',
      'ca.cnf',
      '-key',
      `${name}-key.pem`,
      '-subj',
      `/CN=baleen test ${name}`,
      '-out',
      `${name}.csr`,
    );
    await writeFile(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}-cert.pem`,
    );
  };
  await signed('server', 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  await signed('client', 'extendedKeyUsage = clientAuth\n');
  const layout = async (folder: string, files: Record<string, string>) => {
    await mkdir(join(dir, folder));
    for (const [target, source] of Object.entries(files)) await copyFile(join(dir, source), join(dir, folder, target));
    return join(dir, folder);
  };
  return {
    server: await layout('server', { 'ca.pem': 'ca.pem', 'cert.pem': 'server-cert.pem', 'key.pem': 'server-key.pem' }),
    client: await layout('client', { 'ca.pem': 'ca.pem', 'cert.pem': 'client-cert.pem', 'key.pem': 'client-key.pem' }),
    wrongCa: await layout('wrong-ca', {
      'ca.pem': 'wrong-ca.pem',
      'cert.pem': 'client-cert.pem',
      'key.pem': 'client-key.pem',
    }),
    noClientCert: await layout('no-client-cert', { 'ca.pem': 'ca.pem' }),
  };
}
