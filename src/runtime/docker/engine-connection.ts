import Docker from 'dockerode';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { BaleenError, type ErrorCode } from '../../errors/baleen-error.js';
import { SshAgent, SshTransportError, sshArguments, type SshTarget } from './ssh-transport.js';
import { TcpAgent, TlsAgent } from './tcp-transport.js';

/**
 * Which Docker engine to talk to, and how, decided as the docker CLI decides it (docker/cli: opts/hosts.go,
 * cli/flags/options.go, cli/command/cli.go, cli/context/docker/load.go, cli/connhelper). Docker contexts
 * (`docker context use`, DOCKER_CONTEXT) are not read.
 */

/** A bad engine address or TLS setting is the user's to fix: the usage exit code (2). */
const SETTINGS_ERROR: ErrorCode = 'USAGE';

const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
const DEFAULT_HTTP_PORT = 2375;
/** Only the address used when nothing is configured and TLS is on: `tcp://localhost:2376`. */
const DEFAULT_TLS_HOST = 'tcp://localhost:2376';

export interface EngineInput {
  /** `--docker-host`: wins over DOCKER_HOST. */
  dockerHost?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export type EngineAddress =
  | { scheme: 'unix'; socketPath: string }
  | { scheme: 'tcp'; hostname: string; port: number }
  | ({ scheme: 'ssh' } & SshTarget);

export interface TlsSettings {
  /** DOCKER_TLS_VERIFY: check the engine's certificate against ca.pem; DOCKER_TLS alone: TLS, unchecked. */
  verify: boolean;
  /** DOCKER_CERT_PATH, else DOCKER_CONFIG, else ~/.docker: holds ca.pem, cert.pem and key.pem. */
  certPath: string;
  /** How certPath was chosen, for messages. */
  certPathFrom: string;
}

export interface EngineTarget {
  /** The normalised address, as the CLI prints it: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://…`. */
  url: string;
  address: EngineAddress;
  /** Where the address came from: `--docker-host`, `DOCKER_HOST` or `the default`. */
  from: string;
  tls?: TlsSettings;
  /** DOCKER_API_VERSION, as `v1.41`. */
  apiVersion?: string;
}

/** Dockerode's constructor options, with the `agent` docker-modem accepts (its typings omit it). */
export type EngineOptions = Docker.DockerOptions & { agent?: Agent };

export interface EngineConnection {
  options: EngineOptions;
  /** The engine as error messages name it, e.g. `tcp://1.2.3.4:2376 (TLS, verified)`. */
  description: string;
  target: EngineTarget;
}

/** Decides the engine from the flag and the environment alone: reads no file. */
export function resolveEngineTarget({ dockerHost, env = process.env }: EngineInput = {}): EngineTarget {
  const tls = tlsSettings(env);
  const [value, from] = dockerHost !== undefined ? [dockerHost, '--docker-host'] : [env.DOCKER_HOST ?? '', 'DOCKER_HOST'];
  const trimmed = value.trim();
  const parsed = trimmed === ''
    ? parseDockerHost(tls ? DEFAULT_TLS_HOST : `unix://${DEFAULT_UNIX_SOCKET}`, 'the default')
    : parseDockerHost(trimmed, from);
  const apiVersion = apiVersionOf(env);
  return { ...parsed, from: trimmed === '' ? 'the default' : from, ...(tls ? { tls } : {}), ...(apiVersion ? { apiVersion } : {}) };
}

/** Dockerode options for the engine, TLS material loaded and checked, and the engine's description. */
export function engineConnection(input: EngineInput = {}): EngineConnection {
  const target = resolveEngineTarget(input);
  // As the CLI: with TLS on, ca.pem is read whatever the address (even a unix socket, where it is not used).
  const material = target.tls ? loadTlsMaterial(target.tls) : undefined;
  const version = target.apiVersion ? { version: target.apiVersion } : {};
  const { address } = target;
  switch (address.scheme) {
    case 'unix':
      return { target, description: target.url, options: { socketPath: address.socketPath, ...version } };
    case 'ssh':
      // Requests go to a placeholder host: the agent's connections are ssh processes, never a TCP dial.
      return {
        target,
        description: target.url,
        options: { protocol: 'http', host: 'docker', port: 80, agent: new SshAgent(address), ...version },
      };
    case 'tcp': {
      const base = { host: address.hostname, port: address.port, ...version };
      if (!target.tls || !material) return { target, description: `${target.url} (no TLS)`, options: { ...base, protocol: 'http', agent: new TcpAgent() } };
      const tls = checkedTls(target.tls, material);
      return {
        target,
        description: `${target.url} (${describeTls(target.tls, material)})`,
        options: { ...base, protocol: 'https', ...tls, agent: new TlsAgent({ ...tls, rejectUnauthorized: target.tls.verify }) },
      };
    }
  }
}

/**
 * A dockerode client for the engine. Failures to connect that only this module can explain (a TLS handshake,
 * ssh) become one-line DOCKER_UNREACHABLE errors naming the engine; every other connection failure carries the
 * engine's description (`dockerHost`) for unreachableError.
 */
export function createDocker(input: EngineInput = {}): Docker {
  const connection = engineConnection(input);
  const docker = withoutDockerHostEnv(() => new Docker(connection.options));
  const modem = docker.modem as unknown as { dial(options: unknown, callback: (error: unknown, data?: unknown) => void): void };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => dial(options, (error, data) => callback(error ? explainFailure(error, connection) : error, data));
  descriptions.set(docker, connection.description);
  return docker;
}

const descriptions = new WeakMap<Docker, string>();

/** The description of the engine a client made by createDocker talks to, for messages that are not failed requests. */
export function engineDescription(docker: Docker): string | undefined {
  return descriptions.get(docker);
}

/**
 * docker-modem reads DOCKER_HOST (and, when it is set, DOCKER_CERT_PATH's files and DOCKER_TLS_VERIFY) in its
 * constructor and mixes that into the options it is given; with different rules than the CLI, and it throws
 * for files the CLI would not read. Hidden for the (synchronous) constructor, it sees only our options.
 */
function withoutDockerHostEnv<T>(make: () => T): T {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return make();
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}

// ---------------------------------------------------------------------------------------------- addresses

/** An address as `docker -H` takes it (opts/hosts.go parseDockerDaemonHost), normalised. */
export function parseDockerHost(value: string, from: string): Pick<EngineTarget, 'url' | 'address'> {
  const separator = value.indexOf('://');
  // No scheme: host[:port], a TCP address.
  const [scheme, rest] = separator < 0 ? ['tcp', value] : [value.slice(0, separator), value.slice(separator + 3)];
  switch (scheme) {
    case 'unix': {
      if (rest.includes('://')) throw badHost(value, from, 'a unix socket path cannot hold "://"');
      const socketPath = rest || DEFAULT_UNIX_SOCKET;
      return { url: `unix://${socketPath}`, address: { scheme: 'unix', socketPath } };
    }
    case 'tcp': {
      const { hostname, port } = parseTcpAddress(rest, value, from);
      return { url: `tcp://${joinHostPort(hostname, port)}`, address: { scheme: 'tcp', hostname, port } };
    }
    case 'ssh':
      return { url: value, address: { scheme: 'ssh', ...parseSshAddress(value, from) } };
    case 'npipe':
      throw badHost(value, from, 'npipe:// is a Windows named pipe');
    case 'fd':
      throw badHost(value, from, 'fd:// is for dockerd, not for clients');
    default:
      throw badHost(value, from, `unknown scheme "${scheme}://"`);
  }
}

/**
 * opts/hosts.go ParseTCPAddr: host defaults to localhost, port to 2375. That default holds with TLS too: the
 * CLI connects `DOCKER_TLS_VERIFY=1 DOCKER_HOST=tcp://h` to h:2375 (2376 is only in the TLS default address).
 */
function parseTcpAddress(rest: string, value: string, from: string): { hostname: string; port: number } {
  if (rest.includes('://')) throw badHost(value, from, 'expected tcp://host:port');
  const slash = rest.indexOf('/');
  const path = slash < 0 ? '' : rest.slice(slash);
  // The CLI would send every request under such a path (an engine behind a proxy); docker-modem cannot.
  if (path !== '' && path !== '/') throw badHost(value, from, `a path after the address (${path}) is not supported`);
  // user@ is dropped, as Go's url.Parse + SplitHostPort do.
  const authority = (slash < 0 ? rest : rest.slice(0, slash)).replace(/^.*@/, '');
  const { host, port } = splitHostPort(authority);
  const hostname = host || 'localhost';
  if (!/^[A-Za-z0-9._~%:-]+$/.test(hostname)) throw badHost(value, from, `"${hostname}" is not a host name or address`);
  const portText = port || String(DEFAULT_HTTP_PORT);
  const portNumber = Number(portText);
  if (!/^\d+$/.test(portText) || portNumber < 1 || portNumber > 65535) throw badHost(value, from, `"${portText}" is not a port`);
  return { hostname, port: portNumber };
}

function splitHostPort(authority: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  // More than one colon: a bare IPv6 address, to which the CLI adds the default port.
  if (authority.indexOf(':') !== authority.lastIndexOf(':')) return { host: authority, port: '' };
  const colon = authority.indexOf(':');
  return colon < 0 ? { host: authority, port: '' } : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** cli/connhelper/ssh: user, host, port and an optional remote socket path; no password, query or fragment. */
function parseSshAddress(value: string, from: string): SshTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badHost(value, from, 'not a valid ssh://[user@]host[:port] URL');
  }
  if (url.password) throw badHost(value, from, 'a password in the URL is not supported (use an ssh key or agent)');
  if (url.search) throw badHost(value, from, 'query parameters are not allowed');
  if (url.hash) throw badHost(value, from, 'fragments are not allowed');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw badHost(value, from, 'the host name is empty');
  // The path, when there is one, is the engine's socket on the remote machine.
  const socketPath = decoded(url.pathname, value, from);
  return {
    hostname,
    ...(url.username ? { user: decoded(url.username, value, from) } : {}),
    ...(url.port ? { port: url.port } : {}),
    ...(socketPath.replaceAll('/', '') !== '' ? { socketPath } : {}),
  };
}

function decoded(part: string, value: string, from: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badHost(value, from, `"${part}" has a malformed %-escape`);
  }
}

function badHost(value: string, from: string, problem: string): BaleenError {
  // A password is not repeated into a terminal or a CI log.
  const shown = value.replace(/^([a-z]+:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
  const named = from === '--docker-host' ? `--docker-host ${shown}` : `${from}=${shown}`;
  return new BaleenError(SETTINGS_ERROR, `${named} is not a Docker engine address (${problem})`, {
    hint: 'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host[:port], as for `docker -H`',
  });
}

function apiVersionOf(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DOCKER_API_VERSION?.trim();
  if (!value) return undefined;
  if (!/^v?\d+\.\d+$/.test(value)) {
    throw new BaleenError(SETTINGS_ERROR, `DOCKER_API_VERSION=${value} is not an API version`, { hint: 'set it like 1.41, or unset it' });
  }
  return `v${value.replace(/^v/, '')}`;
}

// ---------------------------------------------------------------------------------------------- TLS

/** cli/flags/options.go: any non-empty DOCKER_TLS_VERIFY means TLS, verified; DOCKER_TLS alone, TLS unverified. */
export function tlsSettings(env: NodeJS.ProcessEnv): TlsSettings | undefined {
  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  if (!verify && (env.DOCKER_TLS ?? '') === '') return undefined;
  if (env.DOCKER_CERT_PATH) return { verify, certPath: env.DOCKER_CERT_PATH, certPathFrom: 'DOCKER_CERT_PATH' };
  if (env.DOCKER_CONFIG) return { verify, certPath: env.DOCKER_CONFIG, certPathFrom: 'DOCKER_CONFIG (DOCKER_CERT_PATH is not set)' };
  return { verify, certPath: join(env.HOME || homedir(), '.docker'), certPathFrom: 'the default, as DOCKER_CERT_PATH is not set' };
}

interface TlsMaterial {
  ca: Buffer;
  /** The client certificate and key: only when both files exist, as the CLI (it goes on without them). */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Why there is no client certificate. */
  missing?: string;
}

function loadTlsMaterial(tls: TlsSettings): TlsMaterial {
  const path = (name: string) => join(tls.certPath, name);
  const ca = readTlsFile(tls, 'ca.pem');
  if (!ca) {
    throw tlsError(tls, `${path('ca.pem')} does not exist (${tls.certPathFrom})`,
      `put the engine's CA certificate there, or point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem`);
  }
  const cert = readTlsFile(tls, 'cert.pem');
  const key = readTlsFile(tls, 'key.pem');
  if (cert && key) return { ca, clientCert: { cert, key } };
  const missing = [cert ? undefined : 'cert.pem', key ? undefined : 'key.pem'].filter(Boolean).join(' and ');
  return { ca, missing: `${missing} missing in ${tls.certPath}` };
}

function readTlsFile(tls: TlsSettings, name: string): Buffer | undefined {
  const path = join(tls.certPath, name);
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw tlsError(tls, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'make it readable by this user');
  }
}

/**
 * The checks of the CLI's tlsConfig (load.go), done before any connection so that a bad file is named as
 * such instead of surfacing as a failed handshake.
 */
function checkedTls(tls: TlsSettings, material: TlsMaterial): { ca: Buffer; cert?: Buffer; key?: Buffer } {
  const caPath = join(tls.certPath, 'ca.pem');
  // Checked even when the engine is not verified, as the CLI ("ca.pem seems invalid").
  if (!containsCertificate(material.ca)) {
    throw tlsError(tls, `${caPath} holds no PEM certificate`, 'put the CA certificate (PEM) of the engine there');
  }
  if (!material.clientCert) return { ca: material.ca };
  const { cert, key } = material.clientCert;
  if (/ENCRYPTED/.test(key.toString('latin1'))) {
    throw tlsError(tls, `${join(tls.certPath, 'key.pem')} is encrypted`, 'decrypt it (`openssl pkey -in key.pem -out key.pem`): the docker CLI does not take encrypted keys either');
  }
  try {
    createPrivateKey(key);
    createSecureContext({ cert, key });
  } catch (error) {
    throw tlsError(tls, `${join(tls.certPath, 'cert.pem')} and key.pem are not a usable client certificate (${(error as Error).message})`,
      'they must be the PEM certificate and the private key that belong together');
  }
  return { ca: material.ca, cert, key };
}

function containsCertificate(pem: Buffer): boolean {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
}

function describeTls(tls: TlsSettings, material: TlsMaterial): string {
  const parts = ['TLS', tls.verify ? 'verified' : 'not verified'];
  if (material.missing) parts.push(`no client certificate: ${material.missing}`);
  return parts.join(', ');
}

function tlsError(tls: TlsSettings, problem: string, hint: string): BaleenError {
  const setting = tls.verify ? 'DOCKER_TLS_VERIFY' : 'DOCKER_TLS';
  return new BaleenError(SETTINGS_ERROR, `${setting} is set but ${problem}`, { hint: `${hint} (or unset ${setting})` });
}

// ---------------------------------------------------------------------------------------------- failures

/** Node's codes for a TLS session that could not be set up or was refused by the other side. */
export function isTlsFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^ERR_SSL_|^ERR_TLS_|^EPROTO$|CERT|ISSUER|SELF_SIGNED|SIGNATURE|^UNABLE_TO_/.test(code);
}

/**
 * Turns a failed request into what a person can act on. TLS and ssh failures are explained here, where the
 * settings are known; other connection failures (ECONNREFUSED, ENOENT…) get the engine's description so
 * that unreachableError names the right engine, whatever chose it (flag or environment).
 */
export function explainFailure(error: unknown, connection: Pick<EngineConnection, 'description' | 'target'>): unknown {
  if (error instanceof BaleenError || typeof error !== 'object' || error === null) return error;
  const { description, target } = connection;
  if (error instanceof SshTransportError) {
    return new BaleenError('DOCKER_UNREACHABLE', `cannot reach the Docker engine at ${description} over ssh (${error.message})`, {
      hint: `check that \`${sshCommand(target)}\` works from here: ssh keys or agent, known_hosts, and docker on the remote machine`,
      cause: error,
    });
  }
  if (target.tls && isTlsFailure(error)) {
    return new BaleenError('DOCKER_UNREACHABLE', `cannot reach the Docker engine at ${description}: the TLS handshake failed (${tlsReason(error)})`, {
      hint: tlsHint(error, target.tls),
      cause: error,
    });
  }
  if (!target.tls && isPlainHttpToTls(error)) {
    return new BaleenError('DOCKER_UNREACHABLE', `cannot reach the Docker engine at ${description}: it speaks TLS`, {
      hint: 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem (as for `docker --tlsverify`)',
      cause: error,
    });
  }
  if ((error as { statusCode?: number }).statusCode === undefined) Object.defineProperty(error, 'dockerHost', { value: description, configurable: true });
  return error;
}

/** A TLS engine's answer to plain HTTP (Go's http server says so in a 400). */
function isPlainHttpToTls(error: object): boolean {
  const { statusCode, message } = error as { statusCode?: number; message?: string };
  return statusCode === 400 && /HTTP request to an HTTPS server/i.test(message ?? '');
}

/** The ssh command a person can try by hand, as baleen runs it (less the CLI's -o/-T options). */
function sshCommand(target: EngineTarget): string {
  const { address } = target;
  if (address.scheme !== 'ssh') return target.url;
  const args = sshArguments(address);
  const remote = args.at(-1)!;
  return ['ssh', ...(address.port ? ['-p', address.port] : []), `${address.user ? `${address.user}@` : ''}${address.hostname}`, remote].join(' ');
}

/** OpenSSL's reason ("sslv3 alert bad certificate") rather than its whole error line, and Node's code. */
function tlsReason(error: object): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = (message ?? String(error)).split('\n')[0]!.trim();
  const reason = /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(text)?.[1] ?? text;
  return code && !reason.includes(code) ? `${reason}, ${code}` : reason;
}

/** What to change, by who gave up: the engine (an alert), or this side checking the engine's certificate. */
function tlsHint(error: object, tls: TlsSettings): string {
  const code = (error as { code?: string }).code ?? '';
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED)/.test(code)) {
    return `the engine refused this client: put cert.pem and key.pem, a client certificate signed by a CA the engine trusts (its --tlscacert), in ${tls.certPath}`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "the engine's certificate is not made out to this host name or address: use one it names (its subjectAltName)";
  }
  if (/CERT|ISSUER|SELF_SIGNED|SIGNATURE|^UNABLE_TO_/.test(code)) {
    return `${join(tls.certPath, 'ca.pem')} must be the CA that signed the engine's certificate (the engine's --tlscacert)`;
  }
  return `check that the address is the engine's TLS port and that ${tls.certPath} holds its ca.pem and your cert.pem and key.pem (as for \`docker --tlsverify\`)`;
}
