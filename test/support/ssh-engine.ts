import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './host.js';

/**
 * This machine's Docker engine seen as a remote one over ssh: an sshd on a loopback port (its own host key,
 * one authorized client key, root may log in), and an `ssh` for the client that uses this server's config.
 * ssh reads ~/.ssh/config from the passwd entry, not from $HOME, so the client config is brought in the way
 * the docker CLI allows: an `ssh` earlier on PATH (a wrapper adding `-F <config>`).
 */
export interface SshEngine {
  /** `ssh://root@127.0.0.1:PORT`: give it as DOCKER_HOST. */
  readonly host: string;
  readonly root: string;
  /** Put first on PATH: its `ssh` trusts this server's host key (StrictHostKeyChecking yes, BatchMode). */
  readonly binDir: string;
  /** The same, with a known_hosts naming another key for this server. */
  readonly wrongHostKeyBinDir: string;
  /** Logins sshd accepted so far (from its log). */
  acceptedLogins(): number;
  /** Live processes started by sshd for its connections (sessions, the remote `docker system dial-stdio`). */
  sessions(): Promise<number[]>;
  /** Live ssh clients that use this server's config. */
  clients(): Promise<number[]>;
  /** Stops sshd and every process of its sessions, waits for them to be gone, removes its dir. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 100;
/** sshd's privilege separation needs it; on a machine where no sshd ever ran it is missing. */
const PRIVSEP_DIR = '/run/sshd';

export async function startSshEngine(): Promise<SshEngine> {
  if (!existsSync('/usr/sbin/sshd'))
    throw new Error('sshd is not installed: apt-get install openssh-server (.ci/run does)');
  const root = await mkdtemp(join(tmpdir(), 'baleen-ssh-engine-'));
  const madePrivsepDir = !existsSync(PRIVSEP_DIR);
  if (madePrivsepDir) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  let sshd: ChildProcess | undefined;
  try {
    const port = await freePort();
    const keys = makeKeys(root);
    const config = await writeServerConfig(root, port, keys);
    const binDir = await writeClient(root, 'good', port, keys.hostPublic);
    const wrongHostKeyBinDir = await writeClient(root, 'wrong-host-key', port, keys.otherHostPublic);
    sshd = startSshd(root, config);
    await waitUntilListening(sshd, root);
    const started = sshd;
    return {
      host: `ssh://root@127.0.0.1:${port}`,
      root,
      binDir,
      wrongHostKeyBinDir,
      acceptedLogins: () => (readLog(root).match(/Accepted publickey for root/g) ?? []).length,
      sessions: async () => descendants(started.pid!, await processTable()),
      clients: () => processesNaming(join(root, 'client-')),
      stop: () => stopSshd(started, root, madePrivsepDir),
    };
  } catch (error) {
    if (sshd) await stopSshd(sshd, root, madePrivsepDir).catch(() => undefined);
    else await cleanUp(root, madePrivsepDir);
    throw error;
  }
}

interface Keys {
  host: string;
  hostPublic: string;
  otherHostPublic: string;
  client: string;
  clientPublic: string;
}

function makeKeys(root: string): Keys {
  const keygen = (name: string) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `baleen test ${name}`, '-f', join(root, name)], {
      stdio: 'ignore',
    });
    return { path: join(root, name), public: readFileSync(join(root, `${name}.pub`), 'utf8').trim() };
  };
  const host = keygen('host-key');
  const other = keygen('other-host-key');
  const client = keygen('client-key');
  return {
    host: host.path,
    hostPublic: host.public,
    otherHostPublic: other.public,
    client: client.path,
    clientPublic: client.public,
  };
}

async function writeServerConfig(root: string, port: number, keys: Keys): Promise<string> {
  await writeFile(join(root, 'authorized_keys'), `${keys.clientPublic}\n`);
  const config = join(root, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${keys.host}`,
      `PidFile ${join(root, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowUsers root',
      // The key files live under /tmp, which is world-writable: StrictModes would refuse them.
      'StrictModes no',
      'UsePAM no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  execFileSync('/usr/sbin/sshd', ['-t', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return config;
}

/** A client config trusting `hostPublic` for the server, and an `ssh` wrapper that uses it. */
async function writeClient(root: string, name: string, port: number, hostPublic: string): Promise<string> {
  const dir = join(root, `client-${name}`);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPublic}\n`);
  await writeFile(
    join(dir, 'config'),
    [
      'Host 127.0.0.1',
      `  IdentityFile ${join(root, 'client-key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  );
  const wrapper = join(dir, 'bin', 'ssh');
  await writeFile(wrapper, `#!/bin/sh\nexec /usr/bin/ssh -F '${join(dir, 'config')}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return join(dir, 'bin');
}

function startSshd(root: string, config: string): ChildProcess {
  const log = openSync(join(root, 'sshd.log'), 'a');
  try {
    // -D: stays in the foreground, our child; -e: logs to stderr (the log file). sshd needs its absolute path.
    return spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

async function waitUntilListening(sshd: ChildProcess, root: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!/Server listening on 127\.0\.0\.1/.test(readLog(root))) {
    if (sshd.exitCode !== null || sshd.signalCode !== null) throw new Error(`sshd exited at start:\n${readLog(root)}`);
    if (Date.now() > deadline) throw new Error(`sshd did not listen within ${READY_TIMEOUT_MS} ms:\n${readLog(root)}`);
    await delay(POLL_MS);
  }
}

async function stopSshd(sshd: ChildProcess, root: string, madePrivsepDir: boolean): Promise<void> {
  // The sessions first: once the listener is gone they would be the children of nobody we know.
  const leftovers = [...descendants(sshd.pid!, await processTable()), ...(await processesNaming(root))];
  if (sshd.exitCode === null && sshd.signalCode === null) leftovers.push(sshd.pid!);
  for (const pid of leftovers) signal(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (leftovers.some(isAlive) && Date.now() < deadline) await delay(POLL_MS);
  const stubborn = leftovers.filter(isAlive);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  await cleanUp(root, madePrivsepDir);
  if (stubborn.length > 0)
    throw new Error(`sshd processes did not end on SIGTERM and were killed: ${stubborn.join(', ')}`);
}

async function cleanUp(root: string, madePrivsepDir: boolean): Promise<void> {
  await rm(root, { recursive: true, force: true });
  if (madePrivsepDir) rmdirSync(PRIVSEP_DIR);
}

function readLog(root: string): string {
  try {
    return readFileSync(join(root, 'sshd.log'), 'utf8');
  } catch {
    return '';
  }
}

interface ProcessEntry {
  pid: number;
  ppid: number;
}

/** Every live (not zombie) process with its parent, from /proc. */
async function processTable(): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces and parentheses: read from the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state && state !== 'Z') entries.push({ pid: Number(name), ppid: Number(ppid) });
  }
  return entries;
}

function descendants(pid: number, table: ProcessEntry[]): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const entry of table) {
      if (entry.ppid === parent) {
        found.push(entry.pid);
        queue.push(entry.pid);
      }
    }
  }
  return found;
}

/** Live processes whose command line contains the text (ssh clients name their config's path). */
async function processesNaming(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const { pid } of await processTable()) {
    if (pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(pid);
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}
