import type { RuntimeKind } from './runtime-kind.js';

/** Which engine a server uses and how it reaches it. */
export interface EngineChoice {
  runtime: RuntimeKind;
  /** Like the docker CLI's --host; unset, DOCKER_HOST and then the local socket apply. */
  dockerHost?: string;
}

export const DEFAULT_ENGINE: EngineChoice = { runtime: 'docker' };
