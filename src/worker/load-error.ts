import { z } from 'zod';

/**
 * The line warm-worker.mjs writes on stderr when it ends before its ready line, its support code (or the
 * configuration that finds it) having failed to load: this word, a space, then JSON of the error's stack and
 * the worker's working folder. baleen names the error from it in one line; the stack itself stays in the
 * feature's stderr, as cucumber-js prints it.
 */
export const LOAD_FAILED = 'baleen-worker-load-failed';

const LoadFailureSchema = z.object({ stack: z.string().max(100_000), cwd: z.string().max(4096) });

/** The load error a worker's line names, in one line; undefined for any other line. */
export function loadFailureOf(line: string): string | undefined {
  if (!line.startsWith(`${LOAD_FAILED} `)) return undefined;
  try {
    const { stack, cwd } = LoadFailureSchema.parse(JSON.parse(line.slice(LOAD_FAILED.length + 1)));
    return loadErrorLine(stack, cwd);
  } catch {
    return undefined;
  }
}

/** How long a load error's line may be: a compiler's message can run to pages (the stack has it all). */
const MAX_LINE = 300;

/**
 * A load error's stack said in one line, as a person names it: `SyntaxError: Unexpected identifier 'is'
 * (features/support/steps.js:3)`. Its message (up to a `Require stack:` list or a blank line), and where in
 * the suite's own files it was thrown, relative to the worker's folder: a syntax error's stack begins with its
 * file and line; any other's, its first frame outside Node and node_modules.
 */
export function loadErrorLine(stack: string, cwd: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  const head = firstFrame === -1 ? lines : lines.slice(0, firstFrame);
  const syntaxAt = /^(?:file:\/\/)?(\/.*):(\d+)$/.exec(head[0] ?? '');
  // A syntax error's head: its file:line, the source line, a caret line, a blank line, then the message.
  const messageLines = syntaxAt ? head.slice(head.indexOf('') + 1) : head;
  const end = messageLines.findIndex((line) => line.trim() === '' || line.startsWith('Require stack:'));
  const message = (end === -1 ? messageLines : messageLines.slice(0, end)).map((line) => line.trim()).join(' ');
  const where = syntaxAt
    ? `${syntaxAt[1]}:${syntaxAt[2]}`
    : suiteFrame(firstFrame === -1 ? [] : lines.slice(firstFrame));
  const said = message.length > MAX_LINE ? `${message.slice(0, MAX_LINE - 1)}…` : message;
  return where === undefined ? said : `${said} (${relativeTo(cwd, where)})`;
}

/** The first frame of a stack in the suite's own files, as `path:line`. */
function suiteFrame(frames: readonly string[]): string | undefined {
  for (const frame of frames) {
    const at = /(?:\(|at )(?:file:\/\/)?(\/[^()\s]*):(\d+):\d+\)?$/.exec(frame);
    if (at && !at[1]!.includes('/node_modules/')) return `${at[1]}:${at[2]}`;
  }
  return undefined;
}

function relativeTo(cwd: string, path: string): string {
  const folder = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return path.startsWith(folder) ? path.slice(folder.length) : path;
}
