import { BaleenError, ExitCode } from '../errors/baleen-error.js';
import type { ServerErrorCode } from '../protocol/messages.js';

/** The protocol's name for why a run was refused: the engine's fault (exit 3 on the client) or the run's (2). */
export function rejectionCode(error: unknown): ServerErrorCode {
  if (!(error instanceof BaleenError)) return 'RUN_REJECTED';
  if (error.code === 'DOCKER_UNREACHABLE' || error.code === 'IMAGE_NOT_FOUND' || error.code === 'NOT_SWARM_MANAGER')
    return error.code;
  return error.exitCode === ExitCode.infrastructure ? 'ENGINE_FAILED' : 'RUN_REJECTED';
}
