import { fillTemplate } from '../attempt/feature-script.js';
import { cucumberStandIn, replaceCucumber } from '../cucumber-cli/cucumber-invocation.js';
import { inContainerProgram } from '../cucumber-cli/program-text.js';

/**
 * How a container becomes a warm worker (warm-worker.mjs, whose header describes the conversation): the
 * program's text travels in an environment variable and the container's shell hands it to node, so nothing
 * needs mounting and the same works on any engine. Its text is about 5 kB, far below the 128 kB Linux
 * allows one environment string.
 */
export const WORKER_PROGRAM_ENV = 'BALEEN_WORKER_PROGRAM';

/** The feature paths the worker finds the support code from (cucumber-js derives its folders from them). */
export const WORKER_PATHS_ENV = 'BALEEN_WORKER_PATHS';

/** The line the worker prints on stderr once its support code is loaded. */
export const WORKER_READY = 'baleen-worker-ready';

/** The worker program's text (it sits beside this module, in src/ as in dist/). */
export function workerProgram(): string {
  return inContainerProgram(new URL('./warm-worker.mjs', import.meta.url));
}

/** The shell function that stands in for cucumber-js in the suite's command: the worker, given the same arguments. */
const WORKER_FUNCTION = 'baleen_worker';

/** The path the template names as its report (`{report}`): the worker leaves it out of the formats. */
export const WORKER_REPORT_ENV = 'BALEEN_WORKER_REPORT';

/**
 * The shell lines that run the worker (after any --before-command, in the same shell): the suite's own command,
 * with cucumber-js replaced by the worker (cucumberStandIn), given what the command gives cucumber-js less the
 * feature paths, which come one request at a time. `{tags}` and `{only}` are left empty too: each request
 * carries its tags, and its paths replace the configuration's. Not `exec`: the shell stays the container's
 * first process and node its child, as cucumber-js is in a feature's own container, so node gets the signals
 * it would get there (a process 1 ignores even a SIGKILL it sends itself: a step killing its own process
 * passed on a worker and failed in a container, issue 18 item 8). The `exit` after it keeps a shell from
 * running the command in its own place as the script's last one. The run spec refuses a command that calls no
 * cucumber-js (workerCommandProblems).
 */
export function workerCommand(command: string): string {
  const replaced = replaceCucumber(command, WORKER_FUNCTION);
  if (replaced === undefined) throw new Error('--isolation worker needs a --command that calls cucumber-js');
  const filled = fillTemplate(replaced, { files: '', file: '', report: `"$${WORKER_REPORT_ENV}"`, tags: '', only: '' });
  return [...cucumberStandIn(WORKER_FUNCTION, WORKER_PROGRAM_ENV), filled, 'exit $?'].join('\n');
}

/** The environment a worker container needs, besides the run's own. */
export function workerEnv(supportPaths: readonly string[], reportPath: string): Record<string, string> {
  return {
    [WORKER_PROGRAM_ENV]: workerProgram(),
    [WORKER_PATHS_ENV]: JSON.stringify(supportPaths),
    [WORKER_REPORT_ENV]: reportPath,
  };
}

/**
 * The stdin line that hands the worker a request: one or more feature paths (`path:line` allowed), a tag
 * expression (--tags) that selects among their scenarios, and the environment of this request alone.
 */
/** One feature (or scenario) handed to a worker: the attempt's nonce names the request and frames its report. */
export interface WorkerRequest {
  id: string;
  /** Feature paths as cucumber-js reads exactly them (`path:line` allowed). */
  paths: readonly string[];
  /** A tag expression (--tags) that selects among their scenarios. */
  tags?: string;
  /** Set in the worker's environment for this request alone (see attempt/container-spec.ts attemptEnv). */
  env?: Record<string, string>;
}

export function workerRequest(request: WorkerRequest): string {
  const { id, paths, tags, env } = request;
  return `${JSON.stringify({ id, paths, ...(tags === undefined ? {} : { tags }), ...(env === undefined ? {} : { env }) })}\n`;
}

/** The line that ends a request's stdout, and the one that ends its stderr with the request's outcome. */
export const stdoutEndLine = (id: string) => new RegExp(`baleen-worker-${id}-stdout-end$`);
export const exitLine = (id: string) => new RegExp(`baleen-worker-${id}-exit (\\d+)$`);

const EXIT_LINE = /^baleen-worker-([A-Za-z0-9_-]+)-exit (\d+)$/m;

/** The request's outcome if this stderr text (the user's, the report taken out) holds its exit line. */
export function workerExit(stderr: string, id: string): number | undefined {
  for (const match of stderr.matchAll(new RegExp(EXIT_LINE.source, 'gm'))) {
    if (match[1] === id) return Number(match[2]);
  }
  return undefined;
}
