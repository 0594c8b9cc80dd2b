import type { RuntimeKind } from './runtime-kind.js';

/** Which engine a server uses and how it reaches it. */
export interface EngineChoice {
  runtime: RuntimeKind;
  /** Like the docker CLI's --host; unset, DOCKER_HOST and then the local socket apply. */
  dockerHost?: string;
}

export const DEFAULT_ENGINE: EngineChoice = { runtime: 'docker' };

/** The engine a command line (or a run request) names: --runtime, else docker; --docker-host if given. */
export function engineChoiceOf(named: {
  runtime?: RuntimeKind | undefined;
  dockerHost?: string | undefined;
}): EngineChoice {
  return {
    runtime: named.runtime ?? DEFAULT_ENGINE.runtime,
    ...(named.dockerHost === undefined ? {} : { dockerHost: named.dockerHost }),
  };
}
