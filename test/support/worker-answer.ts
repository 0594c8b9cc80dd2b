import type { RequestOutcome, RequestSinks } from '../../src/worker/worker-container.js';
import type { WorkerRequest } from '../../src/worker/worker-program.js';

/**
 * What a stand-in worker sends for a request as warm-worker.mjs does: the report framed on stderr under the
 * request's id (the attempt's nonce), then the answer.
 */
export function answerWith(
  request: WorkerRequest,
  sinks: RequestSinks,
  exitCode: number,
  report?: unknown,
): RequestOutcome {
  if (report !== undefined)
    sinks.stderr(
      Buffer.from(`baleen-report-${request.id}-begin\n${JSON.stringify(report)}\nbaleen-report-${request.id}-end\n`),
    );
  return { kind: 'answered', exitCode };
}
