// baleen's warm worker: runs inside the suite's container, loads the suite's support code once, then runs
// feature files one request at a time, as `cucumber-js --parallel` workers do. Plain JavaScript with no
// dependency of its own, because baleen sends its text into the container (BALEEN_WORKER_PROGRAM, run by
// `node --input-type=module -e`): nothing is mounted, so it works on a remote engine and a cluster alike.
//
// It stands in for cucumber-js in the suite's own command (see cucumber-invocation.ts): its arguments are those
// the command gives cucumber-js, less the feature paths, and it reads them with cucumber-js's own parser
// (cucumber-argv.mjs). Built on cucumber-js's public API (>= 10): loadConfiguration (the suite's configuration
// file and profiles, with the command line's options on top, as the CLI merges them), loadSupport once,
// runCucumber with the loaded support for each request. The suite's own @cucumber/cucumber is found by
// find-cucumber.mjs; baleen appends both to this text.
//
// What the command line asks that a worker does otherwise: it runs one request at a time (the worker is the
// parallelism: `parallel` is 0 whatever the configuration says; baleen refuses `--parallel` in the command), it
// writes each request's Cucumber JSON report itself (the report the template names, BALEEN_WORKER_REPORT, is
// left out of the formats, so no request writes it), it never publishes, and it stays up after each request
// (`--exit`/`--force-exit` end cucumber-js's CLI, not its API).
//
// The conversation, one request at a time:
//   stdin, one JSON line:  {"id": "<nonce>", "paths": ["features/a.feature", "features/b.feature:12"], "tags": "@fast",
//                           "env": {"BALEEN_FEATURE": "features/a.feature", "BALEEN_ATTEMPT": "1"}}
//                          (tags optional: a tag expression, on top of the configuration's own; env optional:
//                          set for this request alone, as a feature's own container has it)
//   stdout:                cucumber-js's own output for the request (its configured stdout formatter), then
//                            baleen-worker-<nonce>-stdout-end
//   stderr:                the run's stderr, then, framed as src/attempt/report-channel.ts reads it,
//                            baleen-report-<nonce>-begin
//                            <the Cucumber JSON of these paths>
//                            baleen-report-<nonce>-end
//                          and the request's outcome, on a line of its own:
//                            baleen-worker-<nonce>-exit <0 passed | 1 failed | 2 could not run>
// Support code is found as cucumber-js finds it from feature paths: those in BALEEN_WORKER_PATHS (a JSON
// array; baleen gives the run's features), else the configuration's (else cucumber-js's default, features/).
// It is loaded before the first request is read; then the worker says `baleen-worker-ready` on stderr. Support that
// fails to load ends the worker with exit 2 (its error on stderr, then `baleen-worker-load-failed {"stack", "cwd"}`
// on a line of its own), before any request: the feature it was handed then has no answer, an error naming the
// load error. At the end of stdin the worker exits 0.
//
// What stays shared between features in one worker (and what does not): each request is a whole cucumber-js
// run (BeforeAll/AfterAll hooks run for each, every scenario gets a new World), but the Node process, its
// module-level state, globals, environment and the container's filesystem carry over from one feature to
// the next, as with `cucumber-js --parallel`.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const NO_RUN = 2;
/** Set once the support code loaded: an error before it is a load error (see src/worker/load-error.ts). */
let loaded = false;

/** Writes to stderr and waits until it is handed to the OS, so that frames never interleave with a crash. */
async function say(text, stream = process.stderr) {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The configuration's tag expression and the request's, both applying (as cucumber-js joins a profile's and --tags). */
function bothTags(configured, requested) {
  if (!requested) return configured;
  return configured ? `(${configured}) and (${requested})` : requested;
}

/**
 * The formats the suite's configuration and command ask for, less the file baleen's template names as the
 * report (`--format json:{report}`): the worker writes each request's own report, and the template's would be
 * overwritten by every request.
 */
function suiteFormats(formats, reportPath) {
  const files = Object.entries(formats.files ?? {}).filter(([path]) => resolve(path) !== reportPath);
  return { ...formats, files: Object.fromEntries(files), publish: false };
}

/** Sets a request's environment; returns what puts the worker's own back. */
function setEnv(env) {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

async function main() {
  const cucumber = findCucumber({ createRequire, join, dirname });
  const api = cucumber.load('lib/api/index.js');
  const { coordinates, provided } = cucumberArguments(cucumber, process.argv.slice(1));
  const { runConfiguration } = await api.loadConfiguration({ ...coordinates, provided });
  const formats = suiteFormats(runConfiguration.formats, process.env.BALEEN_WORKER_REPORT ?? '');
  const runtime = { ...runConfiguration.runtime, parallel: 0 };
  const scratch = await mkdtemp(join(tmpdir(), 'baleen-worker-'));
  const supportPaths = process.env.BALEEN_WORKER_PATHS
    ? JSON.parse(process.env.BALEEN_WORKER_PATHS)
    : runConfiguration.sources.paths;
  const support = await api.loadSupport({
    sources: { ...runConfiguration.sources, paths: supportPaths },
    support: runConfiguration.support,
  });
  loaded = true;
  await say('baleen-worker-ready\n');
  let requests = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const { id, paths, tags, env } = JSON.parse(line);
    const restore = setEnv(env ?? {});
    const sources = {
      ...runConfiguration.sources,
      paths,
      tagExpression: bothTags(runConfiguration.sources.tagExpression, tags),
    };
    requests += 1;
    const reportPath = join(scratch, `${requests}.json`);
    let code;
    try {
      const { success } = await api.runCucumber({
        ...runConfiguration,
        sources,
        support,
        runtime,
        formats: { ...formats, files: { ...formats.files, [reportPath]: 'json' } },
      });
      code = success ? 0 : 1;
    } catch (error) {
      await say(`baleen worker: could not run ${paths.join(' ')}: ${error?.stack ?? error}\n`);
      code = NO_RUN;
    }
    // The engine carries stdout and stderr apart, so either may reach baleen first: each ends with its own line.
    await say(`baleen-worker-${id}-stdout-end\n`, process.stdout);
    const report = await readFile(reportPath).catch(() => undefined);
    if (report && report.length > 0) await say(`baleen-report-${id}-begin\n${report}\nbaleen-report-${id}-end\n`);
    await rm(reportPath, { force: true });
    restore();
    await say(`baleen-worker-${id}-exit ${code}\n`);
  }
  await rm(scratch, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  async (error) => {
    await say(`baleen worker: ${error?.stack ?? error}\n`);
    const failure = { stack: String(error?.stack ?? error).slice(0, 4000), cwd: process.cwd() };
    if (!loaded) await say(`baleen-worker-load-failed ${JSON.stringify(failure)}\n`);
    process.exit(NO_RUN);
  },
);
