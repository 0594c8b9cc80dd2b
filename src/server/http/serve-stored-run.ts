import type { IncomingMessage, ServerResponse } from 'node:http';
import serveStatic from 'serve-static';
import type { RunStore } from '../store/run-store.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';

/**
 * GET /runs/<run-id>/<path>: a stored run's report files, read-only. The run id must be a run id (so the
 * folder is one of the store's), and serve-static keeps the path inside that folder (`..` is refused).
 * Dotfiles are served: a run collects them like any file (shots/.gitkeep), and the folder holds only the
 * run's report, which `baleen report` downloads whole.
 */
export function serveStoredRun(
  store: RunStore,
  runId: string,
  rest: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const folder = store.folderOf(runId);
  if (!folder) {
    plain(response, 404, 'no such run\n');
    return;
  }
  if (rest === '') {
    // Relative links in index.html need the folder's trailing slash.
    response.writeHead(301, { location: `/runs/${runId}/` }).end();
    return;
  }
  request.url = rest;
  serveStatic(folder, {
    index: [REPORT_FILES.html.name],
    dotfiles: 'allow',
    fallthrough: false,
    redirect: false,
    setHeaders: sandboxed,
  })(request as never, response as never, (error?: { status?: number }) => {
    const status = error?.status ?? 404;
    plain(response, status, status === 404 ? 'not found\n' : 'refused\n');
  });
}

/**
 * A report is the suite's content (an attachment declared text/html is rendered as HTML), served on the
 * live page's origin: it runs sandboxed in an origin of its own, so its scripts cannot use the signed-in
 * browser's session (their requests carry `Origin: null`, and no SameSite=Strict cookie).
 */
export const STORED_FILE_POLICY = 'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox';

function sandboxed(response: ServerResponse): void {
  response.setHeader('content-security-policy', STORED_FILE_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
}

export function plain(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return void response.end();
  response
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers })
    .end(text);
}

/** A JSON answer, never cached (it is the state of the moment). */
export function json(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}
