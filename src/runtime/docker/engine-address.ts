import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BaleenError } from '../../errors/baleen-error.js';
import type { SshTarget } from './ssh-transport.js';
import { SETTINGS_ERROR, tlsSettings, type TlsSettings } from './tls-settings.js';
import { contextEngine } from './docker-context.js';

/**
 * Which Docker engine to talk to, decided as the docker CLI decides it (docker/cli: opts/hosts.go,
 * cli/command/cli.go, cli/connhelper): --docker-host, else DOCKER_HOST, else the Docker context
 * (DOCKER_CONTEXT, else the current one in config.json), else a local socket. Of those, as testcontainers
 * looks for them: Docker's, else Podman's rootful one, else this user's rootless one; none there, Docker's.
 */

const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
const ROOTFUL_PODMAN_SOCKET = '/run/podman/podman.sock';
const DEFAULT_HTTP_PORT = 2375;
/** Only the address used when nothing is configured and TLS is on: `tcp://localhost:2376`. */
const DEFAULT_TLS_HOST = 'tcp://localhost:2376';

export interface EngineInput {
  /** `--docker-host`: wins over DOCKER_HOST. */
  dockerHost?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Whether a local socket is there (tests give their own). */
  socketExists?: (path: string) => boolean;
}

export type EngineAddress =
  | { scheme: 'unix'; socketPath: string }
  | { scheme: 'tcp'; hostname: string; port: number }
  | ({ scheme: 'ssh' } & SshTarget);

export interface EngineTarget {
  /** The normalised address, as the CLI prints it: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://…`. */
  url: string;
  address: EngineAddress;
  /** Where the address came from: `--docker-host`, `DOCKER_HOST`, `the Docker context "x" (…)` or `the default`. */
  from: string;
  tls?: TlsSettings;
  /** DOCKER_API_VERSION, as `v1.41`. */
  apiVersion?: string;
}

/** Decides the engine from the flag, the environment and, when they name none, the Docker CLI's context. */
export function resolveEngineTarget({
  dockerHost,
  env = process.env,
  socketExists = existsSync,
}: EngineInput = {}): EngineTarget {
  const apiVersion = apiVersionOf(env);
  const withVersion = (target: EngineTarget): EngineTarget => (apiVersion ? { ...target, apiVersion } : target);
  const explicit =
    dockerHost !== undefined
      ? { value: dockerHost.trim(), from: '--docker-host' }
      : { value: (env.DOCKER_HOST ?? '').trim(), from: 'DOCKER_HOST' };
  // The TLS variables belong to the address the flag or DOCKER_HOST gives, or the default one; a context has its own.
  const tls = tlsSettings(env);
  if (explicit.value !== '')
    return withVersion({
      ...parseDockerHost(explicit.value, explicit.from),
      from: explicit.from,
      ...(tls ? { tls } : {}),
    });
  const context = contextEngine(env);
  if (context && context.host !== '') {
    return withVersion({
      ...parseDockerHost(context.host, context.from),
      from: context.from,
      ...(context.tls ? { tls: context.tls } : {}),
    });
  }
  if (tls) return withVersion({ ...parseDockerHost(DEFAULT_TLS_HOST, 'the default'), from: 'the default', tls });
  const local = localSockets(env).find((socket) => socketExists(socket.path)) ?? localSockets(env)[0]!;
  return withVersion({ ...parseDockerHost(`unix://${local.path}`, local.from), from: local.from });
}

/** The local sockets an engine may listen on, in the order they are tried. */
function localSockets(env: NodeJS.ProcessEnv): { path: string; from: string }[] {
  const runtimeDir = env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.() ?? 0}`;
  return [
    { path: DEFAULT_UNIX_SOCKET, from: 'the default' },
    { path: ROOTFUL_PODMAN_SOCKET, from: "Podman's socket" },
    { path: join(runtimeDir, 'podman', 'podman.sock'), from: "this user's Podman socket" },
  ];
}

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
  if (!/^\d+$/.test(portText) || portNumber < 1 || portNumber > 65535)
    throw badHost(value, from, `"${portText}" is not a port`);
  return { hostname, port: portNumber };
}

function splitHostPort(authority: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  // More than one colon: a bare IPv6 address, to which the CLI adds the default port.
  if (authority.indexOf(':') !== authority.lastIndexOf(':')) return { host: authority, port: '' };
  const colon = authority.indexOf(':');
  return colon < 0
    ? { host: authority, port: '' }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
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
  const named =
    from === '--docker-host'
      ? `--docker-host ${shown}`
      : from === 'DOCKER_HOST'
        ? `DOCKER_HOST=${shown}`
        : `${shown}, from ${from},`;
  return new BaleenError(SETTINGS_ERROR, `${named} is not a Docker engine address (${problem})`, {
    hint: 'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host[:port], as for `docker -H`',
  });
}

function apiVersionOf(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DOCKER_API_VERSION?.trim();
  if (!value) return undefined;
  if (!/^v?\d+\.\d+$/.test(value)) {
    throw new BaleenError(SETTINGS_ERROR, `DOCKER_API_VERSION=${value} is not an API version`, {
      hint: 'set it like 1.41, or unset it',
    });
  }
  return `v${value.replace(/^v/, '')}`;
}
