import { Labels } from '../../src/runtime/labels.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CliProcess, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { startSshEngine, type SshEngine } from '../support/ssh-engine.js';
import { mountsUnder } from '../support/host.js';
import { loadImage, processesUsing, startTlsEngine, type TlsEngine } from '../support/tls-engine.js';

/**
 * The real CLI against remote engines, reached as the docker CLI reaches them: a second dockerd on a
 * loopback TCP port with mutual TLS (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), and this machine's
 * engine through an sshd on a loopback port (DOCKER_HOST=ssh://…, the system ssh, `docker system dial-stdio`).
 *
 * Not useScratch: its after-each check removes every baleen container on the main engine, which other test
 * runs may be using; the checks here concern only the containers this file's runs own.
 */
let scratch = '';
let runs = 0;
/** `io.baleen.owner` of every run this file started: `<host>/<pid of the CLI>`. */
const owners: string[] = [];
const clis: CliProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'baleen-remote-'));
});

afterAll(() => rm(scratch, { recursive: true, force: true }));

afterEach(() => {
  for (const owner of owners) {
    const left = mainEngineContainersOf(owner);
    // Removed before the assertion fails, so that one leak is reported once and left nowhere.
    if (left.length > 0) execFileSync('docker', ['rm', '-f', ...left], { stdio: 'ignore', env: localDockerEnv() });
    expect(left, `containers of ${owner} left on the main engine`).toEqual([]);
  }
});

/** A run that outlived its test (a timeout) is stopped: it removes its containers as on Ctrl-C. */
afterAll(async () => {
  await Promise.all(clis.map((cli) => cli.stop('SIGTERM')));
});

function mainEngineContainersOf(owner: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=io.baleen.owner=${owner}`], {
    encoding: 'utf8',
    env: localDockerEnv(),
  })
    .split('\n')
    .filter(Boolean);
}

/** This process's docker commands talk to the main engine, whatever the shell running the tests says. */
function localDockerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT'])
    delete env[key];
  return env;
}

interface Run extends CliResult {
  reportDir: string;
  owner: string;
  /** The engines' clock (this machine's) around the run, in seconds, for `docker events`. */
  since: string;
  until: string;
}

const FILES = ['features/pass.feature', 'features/with space.feature'];

async function baleen(env: NodeJS.ProcessEnv, files = FILES, extraArgs: string[] = []): Promise<Run> {
  const reportDir = join(scratch, `report-${++runs}`);
  const since = secondsNow();
  const cli = new CliProcess(
    [
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      ...files,
      '--concurrency',
      '2',
      '--report-dir',
      reportDir,
      ...extraArgs,
    ],
    {
      cwd: FIXTURE_SUITE,
      // Unset what the test's own shell may have set, then the settings under test.
      env: {
        DOCKER_HOST: undefined,
        DOCKER_TLS_VERIFY: undefined,
        DOCKER_TLS: undefined,
        DOCKER_CERT_PATH: undefined,
        DOCKER_CONTEXT: undefined,
        ...env,
      },
    },
  );
  clis.push(cli);
  const owner = `${hostname()}/${cli.child.pid}`;
  owners.push(owner);
  const result = await cli.done;
  return { ...result, reportDir, owner, since, until: secondsNow() };
}

/** Now, as `docker events --since/--until` take it; with a fraction, so that --until is not in the future (it would wait). */
const secondsNow = () => (Date.now() / 1000).toFixed(3);

/** Containers created in the run's time window: `feature owner` per line, from an engine's event log. */
function creations(docker: (args: string[]) => string, run: Run, filters: string[] = []): string[] {
  const out = docker([
    'events',
    '--since',
    run.since,
    '--until',
    run.until,
    '--filter',
    'type=container',
    '--filter',
    'event=create',
    // Feature containers: the run's probe of the image (labelled io.baleen.probe) is not one, and a run whose
    // answer is kept (.baleen/probe-answers.json) makes none.
    '--filter',
    `label=${Labels.feature}`,
    ...filters.flatMap((filter) => ['--filter', filter]),
    '--format',
    '{{index .Actor.Attributes "io.baleen.feature"}} {{index .Actor.Attributes "io.baleen.owner"}}',
  ]);
  return out.split('\n').filter(Boolean).sort();
}

const mainEngine = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', env: localDockerEnv() });

/** What a person sees when baleen fails: exactly one line. */
function onlyLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('a remote engine over TCP with mutual TLS (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  let engine: TlsEngine | undefined;
  const tlsEnv = (certPath: string): NodeJS.ProcessEnv => ({
    DOCKER_HOST: engine!.host,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certPath,
  });

  beforeAll(async () => {
    engine = await startTlsEngine();
    loadImage(engine, TEST_IMAGE);
  });

  afterAll(async () => {
    if (!engine) return;
    const { root } = engine;
    await engine.stop(); // throws if the engine left a process or a mount behind
    expect(existsSync(root)).toBe(false);
    expect(mountsUnder(root)).toEqual([]);
    expect(await processesUsing(root)).toEqual([]);
  });

  afterEach(() => {
    expect(engine!.docker(['ps', '-aq']).trim(), 'containers left on the TLS engine').toBe('');
  });

  it('runs the features on that engine, not on the local one, and writes the reports', async () => {
    const run = await baleen(tlsEnv(engine!.certs.client));
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const summary = JSON.parse(await readFile(join(run.reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals).toMatchObject({ features: 2, passed: 2, failed: 0, errors: 0 });
    for (const file of [
      'index.html',
      'junit.xml',
      'cucumber.json',
      'results.json',
      'logs/features/pass.feature.stdout.log',
    ]) {
      expect(existsSync(join(run.reportDir, file)), file).toBe(true);
    }

    // One container per feature was made on the TLS engine, by this run...
    expect(creations(engine!.docker, run)).toEqual(FILES.map((file) => `${file} ${run.owner}`).sort());
    // ...and none on the main engine (the same label filter finds the TLS engine's, so it would find these).
    expect(creations(engine!.docker, run, [`label=io.baleen.owner=${run.owner}`])).toHaveLength(FILES.length);
    expect(creations(mainEngine, run, [`label=io.baleen.owner=${run.owner}`])).toEqual([]);
  });

  it('DOCKER_TLS alone: TLS without checking the engine (a foreign ca.pem does not matter), the client certificate still presented', async () => {
    const run = await baleen(
      { DOCKER_HOST: engine!.host, DOCKER_TLS: 'yes', DOCKER_CERT_PATH: engine!.certs.wrongCa },
      ['features/pass.feature'],
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(creations(engine!.docker, run)).toEqual([`features/pass.feature ${run.owner}`]);
  });

  it('--docker-host wins over DOCKER_HOST (TLS still from the environment)', async () => {
    const env = { ...tlsEnv(engine!.certs.client), DOCKER_HOST: `unix://${join(scratch, 'no-engine.sock')}` };
    const run = await baleen(env, ['features/pass.feature'], ['--docker-host', engine!.host]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(creations(engine!.docker, run)).toEqual([`features/pass.feature ${run.owner}`]);
  });

  it('a CA that did not sign the engine: exit 3, one line naming the engine and the TLS failure', async () => {
    const run = await baleen(tlsEnv(engine!.certs.wrongCa));
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const line = onlyLine(run.stderr);
    expect(line).toContain(`cannot reach the Docker engine at ${engine!.host} (TLS, verified)`);
    expect(line).toMatch(
      /the TLS handshake failed \(unable to verify the first certificate, UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    );
    expect(line).toContain(`${engine!.certs.wrongCa}/ca.pem must be the CA that signed the engine's certificate`);
    expect(creations(engine!.docker, run)).toEqual([]);
  });

  it('no client certificate: the engine refuses it; exit 3, one line naming the engine', async () => {
    const run = await baleen(tlsEnv(engine!.certs.noClientCert));
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const line = onlyLine(run.stderr);
    expect(line).toContain(
      `cannot reach the Docker engine at ${engine!.host} (TLS, verified, no client certificate: cert.pem and key.pem missing in ${engine!.certs.noClientCert})`,
    );
    expect(line).toMatch(
      /the TLS handshake failed \(.*alert.*\): the engine refused this client: put cert\.pem and key\.pem/,
    );
    expect(creations(engine!.docker, run)).toEqual([]);
  });

  it('plain HTTP to the TLS engine: exit 3, one line saying it speaks TLS', async () => {
    const run = await baleen({ DOCKER_HOST: engine!.host });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(onlyLine(run.stderr)).toContain(
      `cannot reach the Docker engine at ${engine!.host} (no TLS): it speaks TLS: set DOCKER_TLS_VERIFY=1`,
    );
  });

  it('DOCKER_TLS_VERIFY with a cert path that does not exist: exit 2 before any connection, naming the missing file', async () => {
    const nowhere = join(scratch, 'no-such-certs');
    const run = await baleen(tlsEnv(nowhere));
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(onlyLine(run.stderr)).toMatch(
      new RegExp(`DOCKER_TLS_VERIFY is set but ${nowhere}/ca\\.pem does not exist \\(DOCKER_CERT_PATH\\)`),
    );
    expect(creations(engine!.docker, run)).toEqual([]);
  });
});

describe('a remote engine over ssh (DOCKER_HOST=ssh://user@host:port, the system ssh and its config)', () => {
  let sshd: SshEngine | undefined;
  /** The ssh on PATH is the one whose config knows this server, as a user's ~/.ssh/config would. */
  const sshEnv = (binDir: string, host = sshd!.host): NodeJS.ProcessEnv => ({
    DOCKER_HOST: host,
    PATH: `${binDir}:${process.env.PATH}`,
  });

  beforeAll(async () => {
    sshd = await startSshEngine();
  });

  afterAll(async () => {
    if (!sshd) return;
    const { root } = sshd;
    await sshd.stop(); // throws if a session had to be killed
    expect(existsSync(root)).toBe(false);
  });

  afterEach(async () => {
    // baleen ends its ssh connections when it exits; the remote side's sessions then end too.
    await waitFor(
      async () => (await sshd!.clients()).length === 0 && (await sshd!.sessions()).length === 0,
      10_000,
      'ssh clients or sessions still running',
    );
  });

  it('runs the features on the engine behind ssh, through the ssh on PATH, and writes the reports', async () => {
    const loginsBefore = sshd!.acceptedLogins();
    const run = await baleen(sshEnv(sshd!.binDir));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const summary = JSON.parse(await readFile(join(run.reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals).toMatchObject({ features: 2, passed: 2, failed: 0, errors: 0 });
    expect(existsSync(join(run.reportDir, 'junit.xml'))).toBe(true);
    // The engine behind the ssh server is this machine's: the containers were made there, by this run...
    expect(creations(mainEngine, run, [`label=io.baleen.owner=${run.owner}`])).toEqual(
      FILES.map((file) => `${file} ${run.owner}`).sort(),
    );
    // ...over ssh logins to that server (connections are kept alive and reused: fewer than requests).
    expect(sshd!.acceptedLogins()).toBeGreaterThan(loginsBefore);
  });

  it("a server whose host key is not the one known_hosts has: exit 3, one line with ssh's reason", async () => {
    const run = await baleen(sshEnv(sshd!.wrongHostKeyBinDir));
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(onlyLine(run.stderr)).toContain(
      `cannot reach the Docker engine at ${sshd!.host} over ssh (ssh exited with code 255: Host key verification failed.): check that \`ssh -p`,
    );
    expect(creations(mainEngine, run, [`label=io.baleen.owner=${run.owner}`])).toEqual([]);
  });

  it('a socket path in the URL is the engine socket on the remote machine', async () => {
    const run = await baleen(sshEnv(sshd!.binDir, `${sshd!.host}/nonexistent/docker.sock`), ['features/pass.feature']);
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const line = onlyLine(run.stderr);
    // The remote docker CLI's own words, relayed: it was asked for that socket.
    expect(line).toMatch(
      /over ssh \(ssh exited with code 1: .*dial unix \/nonexistent\/docker\.sock: connect: no such file or directory\)/,
    );
    expect(line).toContain(
      `ssh -p ${new URL(sshd!.host).port} root@127.0.0.1 docker --host=unix:///nonexistent/docker.sock system dial-stdio`,
    );
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
