import type Docker from 'dockerode';
import { Dockerode } from './dockerode.js';
import type { Agent } from 'node:http';
import { BaleenError } from '../../errors/baleen-error.js';
import { resolveEngineTarget, type EngineInput, type EngineTarget } from './engine-address.js';
import { SshAgent, SshTransportError, sshArguments } from './ssh-transport.js';
import { TcpAgent, TlsAgent } from './tcp-transport.js';
import {
  checkedTls,
  describeTls,
  isPlainHttpToTls,
  isTlsFailure,
  loadTlsMaterial,
  tlsHint,
  tlsReason,
} from './tls-settings.js';

/**
 * How to talk to the Docker engine: dockerode clients for the engine engine-address.ts decides, with the TLS
 * material tls-settings.ts loads (as docker/cli's cli/command/cli.go), and failures to connect explained.
 */

/** Dockerode's constructor options, with the `agent` docker-modem accepts (its typings omit it). */
export type EngineOptions = Docker.DockerOptions & { agent?: Agent };

export interface EngineConnection {
  options: EngineOptions;
  /** The engine as error messages name it, e.g. `tcp://1.2.3.4:2376 (TLS, verified)`. */
  description: string;
  target: EngineTarget;
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
      if (!target.tls || !material)
        return {
          target,
          description: `${target.url} (no TLS)`,
          options: { ...base, protocol: 'http', agent: new TcpAgent() },
        };
      const tls = checkedTls(target.tls, material);
      return {
        target,
        description: `${target.url} (${describeTls(target.tls, material)})`,
        options: {
          ...base,
          protocol: 'https',
          ...tls,
          agent: new TlsAgent({ ...tls, rejectUnauthorized: target.tls.verify }),
        },
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
  const docker = withoutDockerHostEnv(() => new Dockerode(connection.options));
  const modem = docker.modem as unknown as {
    dial(options: unknown, callback: (error: unknown, data?: unknown) => void): void;
  };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) =>
    dial(options, (error, data) => callback(error ? explainFailure(error, connection) : error, data));
  refuseRedirects(docker);
  sendEmptyHijackBodies(docker);
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

/**
 * The engine answers a request whose path it cleans up (an image named `..` makes `/images/../json`) with a
 * redirect. docker-modem follows redirects with a request of its own that has no socket path and no `error`
 * listener, so its failure (getaddrinfo ENOTFOUND) was an uncaught exception that ended the process. The
 * Docker API never redirects a request baleen makes on purpose: with no redirect allowed, docker-modem fails
 * the original request instead, through its error handler, and the caller gets a rejected promise.
 */
function refuseRedirects(docker: Docker): void {
  const modem = docker.modem as unknown as { buildRequest(options: object, ...rest: unknown[]): void };
  const buildRequest = modem.buildRequest.bind(modem);
  modem.buildRequest = (options, ...rest) => buildRequest(Object.assign(options, { maxRedirects: 0 }), ...rest);
}

/**
 * A hijacked request (an attach that writes the container's stdin) sent without a body (`_body: {}`, see
 * docker-runtime.ts's attachOptions): docker-modem would announce a chunked body it never sends and so never
 * send the request's headers at all. It goes out with an empty body instead, headers and all, and the
 * connection is then the container's stdin.
 */
function sendEmptyHijackBodies(docker: Docker): void {
  type Build = (
    options: { headers: Record<string, unknown> },
    context: { hijack?: boolean },
    data: unknown,
    callback: unknown,
  ) => void;
  const modem = docker.modem as unknown as { buildRequest: Build };
  const buildRequest = modem.buildRequest.bind(modem);
  modem.buildRequest = (options, context, data, callback) => {
    if (context.hijack !== true || data !== undefined) return buildRequest(options, context, data, callback);
    delete options.headers['Transfer-Encoding'];
    options.headers['Content-Length'] = 0;
    return buildRequest(options, context, '', callback);
  };
}

// ---------------------------------------------------------------------------------------------- failures

/**
 * Turns a failed request into what a person can act on. TLS and ssh failures are explained here, where the
 * settings are known; other connection failures (ECONNREFUSED, ENOENT…) get the engine's description so
 * that unreachableError names the right engine, whatever chose it (flag or environment).
 */
export function explainFailure(error: unknown, connection: Pick<EngineConnection, 'description' | 'target'>): unknown {
  if (error instanceof BaleenError || typeof error !== 'object' || error === null) return error;
  const { description, target } = connection;
  if (error instanceof SshTransportError) {
    return new BaleenError(
      'DOCKER_UNREACHABLE',
      `cannot reach the Docker engine at ${description} over ssh (${error.message})`,
      {
        hint: `check that \`${sshCommand(target)}\` works from here: ssh keys or agent, known_hosts, and docker on the remote machine`,
        cause: error,
      },
    );
  }
  if (target.tls && isTlsFailure(error)) {
    return new BaleenError(
      'DOCKER_UNREACHABLE',
      `cannot reach the Docker engine at ${description}: the TLS handshake failed (${tlsReason(error)})`,
      {
        hint: tlsHint(error, target.tls),
        cause: error,
      },
    );
  }
  if (!target.tls && isPlainHttpToTls(error)) {
    return new BaleenError('DOCKER_UNREACHABLE', `cannot reach the Docker engine at ${description}: it speaks TLS`, {
      hint: 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem (as for `docker --tlsverify`)',
      cause: error,
    });
  }
  if ((error as Error).message?.startsWith('Max redirects exceeded')) {
    return new BaleenError(
      'CONTAINER_FAILED',
      `the Docker engine at ${description} redirected a request: it does not take one of its names as written`,
      {
        hint: 'check the image name (a Docker image reference such as registry.example/ci/suite:1.2)',
        cause: error,
      },
    );
  }
  if ((error as { statusCode?: number }).statusCode === undefined)
    Object.defineProperty(error, 'dockerHost', { value: description, configurable: true });
  return error;
}

/** The ssh command a person can try by hand, as baleen runs it (less the CLI's -o/-T options). */
function sshCommand(target: EngineTarget): string {
  const { address } = target;
  if (address.scheme !== 'ssh') return target.url;
  const args = sshArguments(address);
  const remote = args.at(-1)!;
  return [
    'ssh',
    ...(address.port ? ['-p', address.port] : []),
    `${address.user ? `${address.user}@` : ''}${address.hostname}`,
    remote,
  ].join(' ');
}
