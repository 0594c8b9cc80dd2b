import { RUNTIME_KINDS, type RuntimeKind } from '../runtime/runtime-kind.js';
import { choiceFlag, textFlag } from './cli-side.js';
import type { CliSide } from './option.js';

/**
 * How a process reaches its container engine: the embedded server's (run options) or `baleen server`'s and
 * `baleen reap`'s. One flag each, whose help names whose engine it is.
 */
export function runtimeFlag(whose: string): CliSide<RuntimeKind> {
  return choiceFlag(
    '--runtime <kind>',
    `where ${whose} containers run: one Docker engine, or a Docker Swarm through a manager (default: docker)`,
    RUNTIME_KINDS,
  );
}

export function dockerHostFlag(): CliSide<string> {
  return textFlag(
    '--docker-host <url>',
    'the Docker engine (or swarm manager): unix://, tcp:// (TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or ssh:// (default: DOCKER_HOST, then the docker context, then the local socket)',
  );
}
