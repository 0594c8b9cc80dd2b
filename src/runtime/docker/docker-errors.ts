import { BaleenError } from '../../errors/baleen-error.js';
import { resolveEngineTarget } from './engine-address.js';

interface EngineError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

export function statusOf(error: unknown): number | undefined {
  return (error as EngineError | null)?.statusCode;
}

export function engineMessage(error: unknown): string {
  const e = error as EngineError | null;
  return (e?.json?.message ?? e?.message ?? String(error)).trim();
}

export function isUnreachable(error: unknown): boolean {
  const code = (error as EngineError | null)?.code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/**
 * The engine a failure concerns: the description createDocker attached to the error (it knows whether the
 * flag or the environment chose the engine, and its TLS settings), else the address the environment names.
 */
export function dockerHostDescription(error?: unknown): string {
  const attached = (error as { dockerHost?: unknown } | null | undefined)?.dockerHost;
  if (typeof attached === 'string') return attached;
  try {
    return resolveEngineTarget().url;
  } catch {
    return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  }
}

/** Hints are read by people who installed baleen from npm: they name docker's commands, never this repository's scripts. */
const ELSEWHERE = 'point DOCKER_HOST (or `docker context use`) at a running engine';

export function unreachableError(error: unknown): BaleenError {
  const engine = dockerHostDescription(error);
  return new BaleenError(
    'DOCKER_UNREACHABLE',
    `cannot reach the Docker engine at ${engine} (${engineMessage(error)})`,
    {
      hint: engine.startsWith('unix://')
        ? `start Docker (Linux: \`sudo systemctl start docker\`; macOS/Windows: Docker Desktop, or \`colima start\`) or Podman's socket (\`systemctl --user start podman.socket\`), or ${ELSEWHERE}`
        : `check that the engine runs there and that this machine can reach it, or ${ELSEWHERE}`,
      cause: error,
    },
  );
}

/** `near`: images the engine has that the name may have meant (a typo), named first. */
export function imageNotFoundError(image: string, cause?: unknown, near: readonly string[] = []): BaleenError {
  const build = `build or load it first (e.g. \`docker build -t ${image} .\` with the Dockerfile \`npx baleen init\` writes, or \`docker load\`)`;
  return new BaleenError('IMAGE_NOT_FOUND', `image "${image}" is not on the Docker engine`, {
    hint: near.length === 0 ? build : `did you mean ${near.join(' or ')} (on the engine)? Else ${build}`,
    cause,
  });
}

/** Turns an engine failure into the BaleenError a person can act on, keeping the original as the cause. */
export function toBaleenError(error: unknown, doing: string): BaleenError {
  if (error instanceof BaleenError) return error;
  if (isUnreachable(error)) return unreachableError(error);
  return new BaleenError('CONTAINER_FAILED', `Docker failed while ${doing}: ${engineMessage(error)}`, {
    hint: 'check `docker info` and the engine log',
    cause: error,
  });
}
