/**
 * What one `baleen server` holds at most, so that no client (or many) can grow it without bound. Each refusal
 * names the limit and the flag that raises it.
 */
export interface ServerLimits {
  /** WebSocket connections at once (`--max-connections`). */
  maxConnections: number;
  /** Runs one connection may have going at once (`--max-runs-per-connection`). */
  maxRunsPerConnection: number;
  /** Features of unfinished runs, queued or running, across every client (`--max-queued-features`). */
  maxQueuedFeatures: number;
  /** Runs started over HTTP (`POST /api/runs`) going at once, whoever started them (`--max-http-runs`). */
  maxHttpRuns: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 64,
  maxRunsPerConnection: 16,
  maxQueuedFeatures: 100_000,
  maxHttpRuns: 16,
};

/** Largest message (or run spec over HTTP) a client may send: a run of 100 000 features with long paths fits. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** The response header that carries why an upgrade was refused for a limit, for the client to show. */
export const REFUSAL_HEADER = 'x-baleen-refused';
