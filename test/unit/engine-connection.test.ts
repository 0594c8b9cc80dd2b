import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BaleenError } from '../../src/errors/baleen-error.js';
import { unreachableError } from '../../src/runtime/docker/docker-errors.js';
import { resolveEngineTarget } from '../../src/runtime/docker/engine-address.js';
import {
  createDocker,
  engineConnection,
  engineDescription,
  explainFailure,
  type EngineConnection,
} from '../../src/runtime/docker/engine-connection.js';
import {
  CommandConnection,
  SshAgent,
  SshTransportError,
  sshArguments,
} from '../../src/runtime/docker/ssh-transport.js';
import { TcpAgent, TlsAgent, withConnectTimeout } from '../../src/runtime/docker/tcp-transport.js';
import { makeCertificates } from '../support/tls-engine.js';

/** The environment of a machine with nothing Docker-related set, plus what a test adds. */
const env = (vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: '/home/someone', ...vars });
/** No local socket is there: what this machine runs does not change the answers. */
const noSockets = () => false;
const target = (vars: Record<string, string> = {}, dockerHost?: string) =>
  resolveEngineTarget({ dockerHost, env: env(vars), socketExists: noSockets });

function thrown(make: () => unknown): BaleenError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(BaleenError);
    return error as BaleenError;
  }
  throw new Error('expected an error');
}

describe('which engine: --docker-host, then DOCKER_HOST, then the default (as the docker CLI)', () => {
  it('defaults to the local unix socket', () => {
    expect(target()).toMatchObject({
      url: 'unix:///var/run/docker.sock',
      from: 'the default',
      address: { scheme: 'unix', socketPath: '/var/run/docker.sock' },
    });
  });

  it('takes DOCKER_HOST, and --docker-host over it', () => {
    expect(target({ DOCKER_HOST: 'unix:///run/other.sock' })).toMatchObject({
      url: 'unix:///run/other.sock',
      from: 'DOCKER_HOST',
    });
    expect(target({ DOCKER_HOST: 'unix:///run/other.sock' }, 'tcp://10.0.0.1:2375')).toMatchObject({
      url: 'tcp://10.0.0.1:2375',
      from: '--docker-host',
    });
  });

  it('an empty or blank value is no value: the default (an empty --docker-host too, as `docker -H ""`)', () => {
    expect(target({ DOCKER_HOST: '  ' }).url).toBe('unix:///var/run/docker.sock');
    expect(target({ DOCKER_HOST: 'tcp://h:1' }, '').url).toBe('unix:///var/run/docker.sock');
  });

  it('with TLS on and nothing configured, the default is tcp://localhost:2376', () => {
    expect(target({ DOCKER_TLS_VERIFY: '1' }).url).toBe('tcp://localhost:2376');
    expect(target({ DOCKER_TLS: '1' }).url).toBe('tcp://localhost:2376');
  });

  it('unix:// alone is the default socket; a relative path is kept', () => {
    expect(target({ DOCKER_HOST: 'unix://' }).url).toBe('unix:///var/run/docker.sock');
    expect(target({ DOCKER_HOST: 'unix://run/d.sock' }).address).toEqual({ scheme: 'unix', socketPath: 'run/d.sock' });
  });

  it.each([
    ['tcp://10.1.2.3', 'tcp://10.1.2.3:2375'],
    ['tcp://10.1.2.3:2376', 'tcp://10.1.2.3:2376'],
    ['tcp://docker.example.com:12345/', 'tcp://docker.example.com:12345'],
    ['tcp://', 'tcp://localhost:2375'],
    ['tcp://:9999', 'tcp://localhost:9999'],
    ['10.1.2.3:9999', 'tcp://10.1.2.3:9999'],
    ['docker.example.com', 'tcp://docker.example.com:2375'],
    ['tcp://[::1]', 'tcp://[::1]:2375'],
    ['tcp://[::1]:3000', 'tcp://[::1]:3000'],
    ['tcp://::1', 'tcp://[::1]:2375'],
    ['tcp://user@h:1', 'tcp://h:1'],
  ])('tcp: %s is %s', (value, url) => {
    expect(target({ DOCKER_HOST: value }).url).toBe(url);
  });

  it('tcp://host without a port is 2375 with TLS too, as the CLI (`DOCKER_TLS_VERIFY=1 DOCKER_HOST=tcp://h docker info` dials h:2375)', () => {
    expect(target({ DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1' }).address).toEqual({
      scheme: 'tcp',
      hostname: 'h',
      port: 2375,
    });
  });

  it.each([
    ['ssh://builder@ci.example.com:2222', { user: 'builder', hostname: 'ci.example.com', port: '2222' }],
    ['ssh://ci.example.com', { hostname: 'ci.example.com' }],
    ['ssh://root@[::1]:22', { user: 'root', hostname: '::1', port: '22' }],
    [
      'ssh://me@box/run/user/1000/docker.sock',
      { user: 'me', hostname: 'box', socketPath: '/run/user/1000/docker.sock' },
    ],
    ['ssh://me@box/', { user: 'me', hostname: 'box' }],
  ])('ssh: %s', (value, address) => {
    const resolved = target({ DOCKER_HOST: value });
    expect(resolved.url).toBe(value);
    expect(resolved.address).toEqual({ scheme: 'ssh', ...address });
  });

  it.each([
    ['foo://bar', 'unknown scheme "foo://"'],
    ['npipe:////./pipe/docker_engine', 'npipe:// is a Windows named pipe'],
    ['fd://3', 'fd:// is for dockerd'],
    ['tcp://h:x', '"x" is not a port'],
    ['tcp://h:0', '"0" is not a port'],
    ['tcp://h:65536', '"65536" is not a port'],
    ['tcp://h:1/prefix', 'a path after the address (/prefix) is not supported'],
    ['tcp://tcp://h', 'expected tcp://host:port'],
    ['tcp://a b:1', '"a b" is not a host name or address'],
    ['unix://a://b', 'cannot hold "://"'],
    ['ssh://me:secret@box', 'a password in the URL is not supported'],
    ['ssh://box?x=1', 'query parameters are not allowed'],
    ['ssh://box#x', 'fragments are not allowed'],
    ['ssh://me@:22', 'not a valid ssh://'],
    ['ssh://me@box/%zz', 'malformed %-escape'],
  ])('a malformed address is a usage error (exit 2) naming it: %s', (value, problem) => {
    const error = thrown(() => target({ DOCKER_HOST: value }));
    expect(error.exitCode).toBe(2);
    expect(
      error.message.startsWith(`DOCKER_HOST=${value.replace('secret', '***')} is not a Docker engine address (`),
    ).toBe(true);
    expect(error.message).toContain(problem);
    expect(error.hint).toMatch(/unix:\/\/\/path\/to\/docker\.sock, tcp:\/\/host:port or ssh:\/\/user@host/);
    expect(error.toLine()).not.toContain('\n');
  });

  it('does not repeat a password from the URL', () => {
    expect(thrown(() => target({ DOCKER_HOST: 'ssh://me:secret@box' })).message).not.toContain('secret');
  });

  it('names --docker-host when the flag was wrong', () => {
    expect(thrown(() => target({}, 'tcp://h:x')).message).toBe(
      '--docker-host tcp://h:x is not a Docker engine address ("x" is not a port)',
    );
  });

  it('DOCKER_API_VERSION pins the API version, as the CLI; a malformed one is a usage error', () => {
    expect(target({ DOCKER_API_VERSION: '1.41' }).apiVersion).toBe('v1.41');
    expect(target({ DOCKER_API_VERSION: 'v1.43' }).apiVersion).toBe('v1.43');
    expect(thrown(() => target({ DOCKER_API_VERSION: 'latest' })).exitCode).toBe(2);
  });
});

describe('TLS settings (DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH)', () => {
  it('any non-empty DOCKER_TLS_VERIFY means TLS, verified ("0" too, as the CLI); DOCKER_TLS alone, unverified', () => {
    expect(target({ DOCKER_TLS_VERIFY: '0' }).tls?.verify).toBe(true);
    expect(target({ DOCKER_TLS_VERIFY: 'yes', DOCKER_TLS: '1' }).tls?.verify).toBe(true);
    expect(target({ DOCKER_TLS: '1' }).tls?.verify).toBe(false);
    expect(target({ DOCKER_TLS_VERIFY: '', DOCKER_TLS: '' }).tls).toBeUndefined();
  });

  it('the certificates come from DOCKER_CERT_PATH, else DOCKER_CONFIG, else ~/.docker', () => {
    expect(target({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs', DOCKER_CONFIG: '/config' }).tls?.certPath).toBe(
      '/certs',
    );
    expect(target({ DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/config' }).tls?.certPath).toBe('/config');
    expect(target({ DOCKER_TLS_VERIFY: '1' }).tls?.certPath).toBe('/home/someone/.docker');
  });
});

describe('engineConnection: dockerode options and a description', () => {
  let dir = '';
  let certs: Awaited<ReturnType<typeof makeCertificates>>;
  const file = (folder: string, name: string) => readFile(join(folder, name));
  /** A cert folder with the given files, each a copy of the client folder's or the given content. */
  const folder = async (name: string, files: Record<string, string | undefined>) => {
    const path = join(dir, name);
    await mkdir(path);
    for (const [target, content] of Object.entries(files)) {
      if (content === undefined) await copyFile(join(certs.client, target), join(path, target));
      else await writeFile(join(path, target), content);
    }
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baleen-engine-connection-'));
    certs = await makeCertificates(join(dir, 'made'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const connect = (vars: Record<string, string>, dockerHost?: string) =>
    engineConnection({ dockerHost, env: env(vars) });

  it('a unix socket', () => {
    const { options, description } = connect({});
    expect(options).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(description).toBe('unix:///var/run/docker.sock');
  });

  it('plain TCP: http, through an agent with the CLI connect timeout', () => {
    const { options, description } = connect({ DOCKER_HOST: 'tcp://10.1.2.3:2375' });
    expect(options).toMatchObject({ protocol: 'http', host: '10.1.2.3', port: 2375 });
    expect(options.agent).toBeInstanceOf(TcpAgent);
    expect(description).toBe('tcp://10.1.2.3:2375 (no TLS)');
  });

  it('DOCKER_TLS_VERIFY: https, the engine checked against ca.pem, the client certificate presented', async () => {
    const { options, description } = connect({
      DOCKER_HOST: 'tcp://127.0.0.1:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs.client,
    });
    expect(options).toMatchObject({ protocol: 'https', host: '127.0.0.1', port: 2376 });
    expect(options.agent).toBeInstanceOf(TlsAgent);
    const agentOptions = (options.agent as TlsAgent).options;
    expect(agentOptions.rejectUnauthorized).toBe(true);
    expect(agentOptions.ca).toEqual(await file(certs.client, 'ca.pem'));
    expect(agentOptions.cert).toEqual(await file(certs.client, 'cert.pem'));
    expect(agentOptions.key).toEqual(await file(certs.client, 'key.pem'));
    expect(description).toBe('tcp://127.0.0.1:2376 (TLS, verified)');
  });

  it('DOCKER_TLS without VERIFY: https, the engine not checked', () => {
    const { options, description } = connect({
      DOCKER_HOST: 'tcp://127.0.0.1:2376',
      DOCKER_TLS: '1',
      DOCKER_CERT_PATH: certs.client,
    });
    expect((options.agent as TlsAgent).options.rejectUnauthorized).toBe(false);
    expect(description).toBe('tcp://127.0.0.1:2376 (TLS, not verified)');
  });

  it('no cert.pem/key.pem: goes on without a client certificate (as the CLI) and says so', () => {
    const { options, description } = connect({
      DOCKER_HOST: 'tcp://h:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certs.noClientCert,
    });
    expect((options.agent as TlsAgent).options.cert).toBeUndefined();
    expect(description).toBe(
      `tcp://h:2376 (TLS, verified, no client certificate: cert.pem and key.pem missing in ${certs.noClientCert})`,
    );
  });

  it('a missing ca.pem is a usage error naming the file and where its folder came from', () => {
    const nowhere = join(dir, 'nowhere');
    const error = thrown(() =>
      connect({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: nowhere }),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`DOCKER_TLS_VERIFY is set but ${nowhere}/ca.pem does not exist (DOCKER_CERT_PATH)`);
    expect(error.hint).toMatch(
      /point DOCKER_CERT_PATH at the folder holding ca\.pem, cert\.pem and key\.pem \(or unset DOCKER_TLS_VERIFY\)$/,
    );
    const home = join(dir, 'home');
    expect(thrown(() => engineConnection({ env: { HOME: home, DOCKER_TLS: '1' } })).message).toBe(
      `DOCKER_TLS is set but ${home}/.docker/ca.pem does not exist (the default, as DOCKER_CERT_PATH is not set)`,
    );
  });

  it('with TLS on, ca.pem is required whatever the address, as the CLI reads it first (even for a unix socket)', () => {
    expect(
      thrown(() =>
        connect({
          DOCKER_HOST: 'unix:///var/run/docker.sock',
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: join(dir, 'none'),
        }),
      ).exitCode,
    ).toBe(2);
    expect(
      connect({ DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.client })
        .options,
    ).toEqual({
      socketPath: '/var/run/docker.sock',
    });
  });

  it('unusable files are named before any connection: a ca.pem without a certificate, a key of another certificate, an encrypted key', async () => {
    const noCa = await folder('no-ca', {
      'ca.pem': 'not a certificate\n',
      'cert.pem': undefined,
      'key.pem': undefined,
    });
    const tcp = (certPath: string) => () =>
      connect({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });
    expect(thrown(tcp(noCa)).message).toBe(`DOCKER_TLS_VERIFY is set but ${noCa}/ca.pem holds no PEM certificate`);

    const otherKey = await folder('other-key', {
      'ca.pem': undefined,
      'cert.pem': undefined,
      'key.pem': await (await file(join(dir, 'made'), 'server-key.pem')).toString(),
    });
    expect(thrown(tcp(otherKey)).message).toMatch(
      new RegExp(
        `^DOCKER_TLS_VERIFY is set but ${otherKey}/cert\\.pem and key\\.pem are not a usable client certificate \\(.*key values mismatch`,
      ),
    );

    const encrypted = execFileSync(
      'openssl',
      ['pkey', '-in', join(certs.client, 'key.pem'), '-aes256', '-passout', 'pass:secret'],
      { encoding: 'utf8' },
    );
    const locked = await folder('locked', { 'ca.pem': undefined, 'cert.pem': undefined, 'key.pem': encrypted });
    expect(thrown(tcp(locked)).message).toBe(`DOCKER_TLS_VERIFY is set but ${locked}/key.pem is encrypted`);
    for (const path of [noCa, otherKey, locked]) expect(thrown(tcp(path)).exitCode).toBe(2);
  });

  it('ssh: requests go through an agent whose connections are ssh processes', () => {
    const { options, description } = connect({ DOCKER_HOST: 'ssh://root@box:2222' });
    expect(options).toMatchObject({ protocol: 'http' });
    expect(options.agent).toBeInstanceOf(SshAgent);
    expect(description).toBe('ssh://root@box:2222');
  });

  it('DOCKER_API_VERSION reaches dockerode as its version', () => {
    expect(connect({ DOCKER_API_VERSION: '1.41' }).options.version).toBe('v1.41');
  });
});

describe('the TCP connect timeout (the CLI dials with 30 s)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a connection not established in time fails with ETIMEDOUT, one that is established is left alone', async () => {
    vi.useFakeTimers();
    const hanging = withConnectTimeout(new PassThrough(), 30_000);
    const errors: NodeJS.ErrnoException[] = [];
    hanging.on('error', (error) => errors.push(error));
    const connected = withConnectTimeout(new PassThrough(), 30_000);
    connected.on('error', (error) => errors.push(error));
    vi.advanceTimersByTime(29_999);
    connected.emit('connect');
    expect(hanging.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(hanging.destroyed).toBe(true);
    expect(connected.destroyed).toBe(false);
    await new Promise((resolve) => process.nextTick(resolve)); // destroy() emits its error on the next tick
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['ETIMEDOUT', 'connect ETIMEDOUT: no answer within 30 s'],
    ]);
    connected.destroy();
  });
});

describe('createDocker: docker-modem sees only our options', () => {
  it("neither DOCKER_HOST in the process's environment nor the cert files it would read get in the way", () => {
    const saved = { ...process.env };
    // docker-modem alone would connect to tcp://elsewhere and throw for the missing cert files.
    Object.assign(process.env, {
      DOCKER_HOST: 'tcp://elsewhere:2376',
      DOCKER_CERT_PATH: '/nonexistent',
      DOCKER_TLS_VERIFY: '',
    });
    try {
      const docker = createDocker({ dockerHost: 'unix:///run/test.sock', env: env() });
      const modem = docker.modem as unknown as { socketPath?: string; host?: string };
      expect(modem.host).toBeUndefined();
      expect(modem.socketPath).toBe('/run/test.sock');
      expect(process.env.DOCKER_HOST).toBe('tcp://elsewhere:2376');
    } finally {
      for (const key of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('tells which engine a client it made talks to', () => {
    expect(engineDescription(createDocker({ dockerHost: 'tcp://10.1.2.3', env: env() }))).toBe(
      'tcp://10.1.2.3:2375 (no TLS)',
    );
  });

  it('a failed connection names the engine that was asked, through to the unreachable error', async () => {
    const docker = createDocker({ dockerHost: 'unix:///nonexistent/docker.sock', env: env() });
    const error = await docker.ping().then(
      () => undefined,
      (problem: unknown) => problem,
    );
    expect((error as { code?: string }).code).toBe('ENOENT');
    const line = unreachableError(error).toLine();
    expect(line).toMatch(/^cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker\.sock \(connect ENOENT/);
    expect(line).toContain('start Docker');
  });
});

describe('explainFailure: failures only the connection settings explain', () => {
  const tlsConnection: EngineConnection = {
    options: {},
    description: 'tcp://10.1.2.3:2376 (TLS, verified)',
    target: {
      ...resolveEngineTarget({
        env: env({ DOCKER_HOST: 'tcp://10.1.2.3:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }),
      }),
    },
  };
  const sshConnection = {
    options: {},
    description: 'ssh://root@box:2222',
    target: resolveEngineTarget({ env: env({ DOCKER_HOST: 'ssh://root@box:2222' }) }),
  };
  const plainConnection = {
    options: {},
    description: 'tcp://10.1.2.3:2376 (no TLS)',
    target: resolveEngineTarget({ env: env({ DOCKER_HOST: 'tcp://10.1.2.3:2376' }) }),
  };
  const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('an engine certificate this side does not trust: exit 3, the engine, the reason, ca.pem to fix', () => {
    const error = explainFailure(
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      tlsConnection,
    ) as BaleenError;
    expect(error.code).toBe('DOCKER_UNREACHABLE');
    expect(error.exitCode).toBe(3);
    expect(error.toLine()).toBe(
      "cannot reach the Docker engine at tcp://10.1.2.3:2376 (TLS, verified): the TLS handshake failed (unable to verify the first certificate, UNABLE_TO_VERIFY_LEAF_SIGNATURE): /certs/ca.pem must be the CA that signed the engine's certificate (the engine's --tlscacert)",
    );
  });

  it("the engine's refusal (an alert) keeps OpenSSL's reason, not its whole line, and points at the client certificate", () => {
    const alert = nodeError(
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      '40F8:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../ssl/record/rec_layer_s3.c:1605:SSL alert number 116',
    );
    const line = (explainFailure(alert, tlsConnection) as BaleenError).toLine();
    expect(line).toContain(
      'the TLS handshake failed (tlsv13 alert certificate required, ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): the engine refused this client: put cert.pem and key.pem',
    );
    expect(line).not.toContain('rec_layer');
  });

  it('a certificate for another name', () => {
    const error = explainFailure(
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      tlsConnection,
    ) as BaleenError;
    expect(error.hint).toMatch(/not made out to this host name or address/);
  });

  it('ssh that failed: exit 3, what ssh said, and the ssh command to try', () => {
    const error = explainFailure(
      new SshTransportError('ssh exited with code 255: root@box: Permission denied (publickey).', ''),
      sshConnection,
    ) as BaleenError;
    expect(error.exitCode).toBe(3);
    expect(error.toLine()).toBe(
      'cannot reach the Docker engine at ssh://root@box:2222 over ssh (ssh exited with code 255: root@box: Permission denied (publickey).): check that `ssh -p 2222 root@box docker system dial-stdio` works from here: ssh keys or agent, known_hosts, and docker on the remote machine',
    );
  });

  it('plain HTTP to a TLS port: the engine says so in a 400; exit 3 with how to turn TLS on', () => {
    const answer = Object.assign(
      new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server. '),
      { statusCode: 400 },
    );
    expect((explainFailure(answer, plainConnection) as BaleenError).toLine()).toMatch(
      /at tcp:\/\/10\.1\.2\.3:2376 \(no TLS\): it speaks TLS: set DOCKER_TLS_VERIFY=1/,
    );
  });

  it('other connection failures stay as they are (retries look at their code), tagged with the engine', () => {
    const refused = nodeError('ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:2376');
    expect(explainFailure(refused, tlsConnection)).toBe(refused);
    expect((refused as { dockerHost?: string }).dockerHost).toBe('tcp://10.1.2.3:2376 (TLS, verified)');
    expect(Object.keys(refused)).not.toContain('dockerHost'); // not spread into logs
    expect(unreachableError(refused).toLine()).toBe(
      'cannot reach the Docker engine at tcp://10.1.2.3:2376 (TLS, verified) (connect ECONNREFUSED 10.1.2.3:2376): check that the engine runs there and that this machine can reach it, or point DOCKER_HOST (or `docker context use`) at a running engine',
    );
  });

  it("the engine's own answers and errors already explained pass through untouched", () => {
    const notFound = Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 });
    expect(explainFailure(notFound, tlsConnection)).toBe(notFound);
    expect((notFound as { dockerHost?: string }).dockerHost).toBeUndefined();
    const explained = new BaleenError('DOCKER_UNREACHABLE', 'x');
    expect(explainFailure(explained, tlsConnection)).toBe(explained);
  });
});

describe('the ssh transport (as the CLI: the system ssh running `docker system dial-stdio`)', () => {
  it('builds the CLI ssh command line', () => {
    expect(sshArguments({ user: 'root', hostname: 'box', port: '2222' })).toEqual([
      '-l',
      'root',
      '-p',
      '2222',
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'box',
      'docker system dial-stdio',
    ]);
    expect(sshArguments({ hostname: 'box' })).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'box',
      'docker system dial-stdio',
    ]);
    expect(sshArguments({ hostname: 'box', socketPath: "/run/my docker's.sock" }).at(-1)).toBe(
      `docker '--host=unix:///run/my docker'\\''s.sock' system dial-stdio`,
    );
  });

  /** Reads a connection to its end. */
  const readAll = (connection: CommandConnection) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      connection.on('data', (chunk: Buffer) => (text += chunk.toString()));
      connection.on('end', () => resolve(text));
      connection.on('error', reject);
    });

  it("carries bytes both ways over the process's stdin and stdout, half-closing like a socket", async () => {
    const connection = new CommandConnection('sh', ['-c', 'cat; echo " (after EOF)"']);
    connection.end('hello');
    expect(await readAll(connection)).toBe('hello (after EOF)\n');
  });

  it('a process that fails says why: its exit code and the last line of its stderr', async () => {
    const connection = new CommandConnection('sh', [
      '-c',
      'echo "debug noise" >&2; echo "Permission denied (publickey)." >&2; exit 255',
    ]);
    const error = await readAll(connection).then(
      () => undefined,
      (problem: unknown) => problem,
    );
    expect(error).toBeInstanceOf(SshTransportError);
    expect((error as Error).message).toBe('sh exited with code 255: Permission denied (publickey).');
  });

  it('no such program: an error naming it', async () => {
    const error = await readAll(new CommandConnection('/nonexistent/ssh', [])).then(
      () => undefined,
      (problem: unknown) => problem,
    );
    expect((error as Error).message).toBe('could not run /nonexistent/ssh (ENOENT)');
  });

  it('destroying the connection ends the process', async () => {
    const connection = new CommandConnection('sleep', ['60']);
    const pid = connection.pid!;
    expect(isAlive(pid)).toBe(true);
    connection.destroy();
    await waitFor(() => !isAlive(pid), 5_000);
  });

  it('serves HTTP through an http.Agent, one process for several requests (kept alive)', async () => {
    // An HTTP/1.1 server on stdin/stdout: answers every request with the number of requests so far.
    const server = `let n = 0, buffer = '';
      process.stdin.on('data', (chunk) => {
        buffer += chunk;
        while (buffer.includes('\\r\\n\\r\\n')) {
          buffer = buffer.slice(buffer.indexOf('\\r\\n\\r\\n') + 4);
          const body = String(++n) + ' ' + process.pid;
          process.stdout.write('HTTP/1.1 200 OK\\r\\nContent-Length: ' + body.length + '\\r\\n\\r\\n' + body);
        }
      });`;
    const spawned: CommandConnection[] = [];
    const agent = new (class extends Agent {
      override createConnection() {
        const connection = new CommandConnection(process.execPath, ['-e', server]);
        spawned.push(connection);
        return connection;
      }
    })({ keepAlive: true });
    const request = () =>
      new Promise<string>((resolve, reject) => {
        get({ host: 'docker', path: '/_ping', agent }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(body));
        }).on('error', reject);
      });
    try {
      const first = await request();
      const second = await request();
      expect(spawned).toHaveLength(1);
      expect(first).toBe(`1 ${spawned[0]!.pid}`);
      expect(second).toBe(`2 ${spawned[0]!.pid}`);
    } finally {
      agent.destroy();
    }
    await waitFor(() => !isAlive(spawned[0]!.pid!), 5_000);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
