/**
 * Every failure baleen reports to a person is a BaleenError: a code for programs, a one-line message that
 * names the problem, a hint that names the fix, and the process exit code that class of failure maps to.
 */
export const ExitCode = {
  passed: 0,
  failed: 1,
  usage: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'NO_FEATURES'
  | 'NOTHING_SELECTED'
  | 'REPORT_DIR_NOT_OURS'
  | 'REPORT_DIR_UNWRITABLE'
  | 'REPORT_DIR_IN_USE'
  | 'DOCKER_UNREACHABLE'
  | 'IMAGE_NOT_FOUND'
  | 'CONTAINER_FAILED'
  | 'NOT_SWARM_MANAGER'
  | 'UNSCHEDULABLE'
  | 'SERVER_UNREACHABLE'
  | 'SERVER_CLOSED'
  | 'OVER_LIMIT'
  | 'PROTOCOL'
  | 'INTERRUPTED'
  | 'CANNOT_WRITE'
  | 'INTERNAL';

const exitCodeOf: Record<ErrorCode, ExitCode> = {
  USAGE: ExitCode.usage,
  CONFIG: ExitCode.usage,
  NO_FEATURES: ExitCode.usage,
  NOTHING_SELECTED: ExitCode.usage,
  REPORT_DIR_NOT_OURS: ExitCode.usage,
  REPORT_DIR_UNWRITABLE: ExitCode.infrastructure,
  REPORT_DIR_IN_USE: ExitCode.usage,
  DOCKER_UNREACHABLE: ExitCode.infrastructure,
  IMAGE_NOT_FOUND: ExitCode.infrastructure,
  CONTAINER_FAILED: ExitCode.infrastructure,
  NOT_SWARM_MANAGER: ExitCode.infrastructure,
  UNSCHEDULABLE: ExitCode.infrastructure,
  SERVER_UNREACHABLE: ExitCode.infrastructure,
  SERVER_CLOSED: ExitCode.infrastructure,
  /** A server's limit refused the run (--max-queued-features, --max-http-runs): the run is too much for now. */
  OVER_LIMIT: ExitCode.usage,
  PROTOCOL: ExitCode.infrastructure,
  INTERRUPTED: ExitCode.interrupted,
  CANNOT_WRITE: ExitCode.infrastructure,
  INTERNAL: ExitCode.infrastructure,
};

export class BaleenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BaleenError';
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeOf[this.code];
  }

  /** The single line a person sees: the problem, then what to do about it. */
  toLine(): string {
    return this.hint ? `${this.message}: ${this.hint}` : this.message;
  }
}

export function isBaleenError(error: unknown): error is BaleenError {
  return error instanceof BaleenError;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
