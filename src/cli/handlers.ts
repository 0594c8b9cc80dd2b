import { resolve } from 'node:path';
import { BaleenError, ExitCode } from '../errors/baleen-error.js';
import type { CommandHandlers, ServerFlags } from './program.js';
import type { ServerOptions } from '../server/server-options.js';
import { engineChoiceOf, engineOptionsGiven } from '../runtime/engine-choice.js';
import { ENGINE_OPTIONS } from '../runtime/registry.js';
import { abortOnSignals } from './interrupt.js';
import type { RunOptionValues, RunRequest } from '../run-options/values.js';

async function runWithSignals(request: RunRequest): Promise<number> {
  const { runSuite } = await import('../client/run-suite.js');
  const interrupt = abortOnSignals(() => process.exit(ExitCode.interrupted));
  try {
    return await runSuite(request, {
      cwd: process.cwd(),
      out: process.stdout,
      err: process.stderr,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
}

/**
 * A `--server` has chosen its own engine when it started; a client that also names one on its command line
 * would be silently ignored, so it is told instead. (A project file's `runtime` is for an embedded server.)
 */
function refuseEngineWithServer(flags: RunOptionValues): void {
  const given = engineOptionsGiven(flags);
  if (flags.server === undefined || (flags.runtime === undefined && given.length === 0)) return;
  const named = [
    ...(flags.runtime === undefined ? [] : [`--runtime ${flags.runtime}`]),
    ...given.map((name) => `${flagOf(name)} ${flags[name]}`),
  ];
  const every = [
    '--runtime',
    ...Object.keys(ENGINE_OPTIONS).map((name) => flagOf(name as keyof typeof ENGINE_OPTIONS)),
  ];
  throw new BaleenError(
    'USAGE',
    `${every.join(' and ')} choose the embedded server's engine, and --server names a running server with its own`,
    { hint: `start that server with them (baleen server ${named.join(' ')}), or drop --server` },
  );
}

/** An engine option's long flag, as its provider declares it. */
function flagOf(name: keyof typeof ENGINE_OPTIONS): string {
  return ENGINE_OPTIONS[name].flags.split(' ')[0]!;
}

/** `--keep` and `--keep-for` mean nothing without a data dir to keep runs in: say so rather than ignore them. */
function dataDirOf(flags: ServerFlags): Pick<ServerOptions, 'dataDir' | 'retention'> {
  if (flags.dataDir === undefined) {
    if (flags.keep !== undefined || flags.keepFor !== undefined) {
      throw new BaleenError('USAGE', '--keep and --keep-for limit the runs kept in --data-dir, and there is none', {
        hint: 'add --data-dir DIR',
      });
    }
    return {};
  }
  return {
    dataDir: resolve(flags.dataDir),
    retention: {
      ...(flags.keep === undefined ? {} : { keep: flags.keep }),
      ...(flags.keepFor === undefined ? {} : { keepForMs: flags.keepFor }),
    },
  };
}

/** Push-triggered runs: the secret, and the projects of --config that name a repository. */
async function webhookOf(flags: ServerFlags): Promise<Pick<ServerOptions, 'webhook'>> {
  if (flags.webhookSecret === undefined) {
    if (flags.config !== undefined || flags.cancelSuperseded) {
      throw new BaleenError(
        'USAGE',
        '--config and --cancel-superseded configure push-triggered runs, and there is no --webhook-secret',
        { hint: 'add --webhook-secret SECRET (or set BALEEN_WEBHOOK_SECRET)' },
      );
    }
    return {};
  }
  if (flags.webhookSecret.length < 16)
    throw new BaleenError('USAGE', '--webhook-secret is shorter than 16 characters', {
      hint: "use a long random secret, the same as in the repository's webhook settings",
    });
  if (flags.dataDir === undefined)
    throw new BaleenError(
      'USAGE',
      '--webhook-secret needs --data-dir: pushes are checked out and their runs stored there',
      { hint: 'add --data-dir DIR' },
    );
  const configPath = resolve(flags.config ?? 'baleen.yml');
  const { loadProjectFile } = await import('../run-options/project-file.js');
  const projects = Object.fromEntries(
    Object.entries(await loadProjectFile(configPath)).filter(([, project]) => project.repository !== undefined),
  );
  if (Object.keys(projects).length === 0) {
    throw new BaleenError(
      'CONFIG',
      `${configPath} has no project with a \`repository\`, so no push could run anything`,
      { hint: 'add repository, branches and dockerfile to a project' },
    );
  }
  // A push runs its project as `baleen project` would: the client's run, against this server.
  const { runSuite } = await import('../client/run-suite.js');
  return {
    webhook: { secret: flags.webhookSecret, projects, cancelSuperseded: flags.cancelSuperseded === true, runSuite },
  };
}

/**
 * Each command imports what it needs when it runs, not before: `--help`, `merge` or `runs` load no server,
 * engine client or reporter, and a run loads no YAML parser, webhook or runtime it does not use (the
 * fixed cost of every command, bench/fixed-cost.mjs).
 */
export const commandHandlers: CommandHandlers = {
  async merge(dirs, flags) {
    const { mergeReports } = await import('../client/merge-reports.js');
    return mergeReports(
      dirs,
      flags.reportDir,
      { cwd: process.cwd(), out: process.stdout, err: process.stderr },
      flags.timings,
    );
  },

  async init(flags) {
    const { initProject } = await import('../init/init-project.js');
    await initProject({
      cwd: process.cwd(),
      out: process.stdout,
      shards: flags.shards,
      ...(flags.image ? { image: flags.image } : {}),
      ...(flags.files ? { files: flags.files } : {}),
    });
    return ExitCode.passed;
  },

  async plan(projectName, flags, options) {
    const [{ planPipeline }, { DEFAULT_TIMINGS_FILE }] = await Promise.all([
      import('../client/plan-pipeline.js'),
      import('../timings/timing-history.js'),
    ]);
    let fromProject: RunOptionValues = {};
    if (projectName !== undefined) {
      const [{ loadProject }, { projectRunOptions }, { isCI }] = await Promise.all([
        import('../run-options/project-file.js'),
        import('../run-options/derive-project-schema.js'),
        import('ci-info'),
      ]);
      // As `baleen project` reads it (its ci: section on CI): the plan must hold what the shards' runs select.
      const project = await loadProject(resolve(flags.config), projectName);
      fromProject = Object.assign({}, ...projectRunOptions(project, { onCi: isCI }));
    }
    const given = { ...fromProject, ...options };
    if (given.files === undefined)
      throw new BaleenError('USAGE', 'baleen plan needs the features to split', {
        hint: 'name a project of the project file (baleen plan suite --shards 4), or give --files',
      });
    return planPipeline(
      { ...given, files: given.files, timingsFile: given.timingsFile ?? DEFAULT_TIMINGS_FILE },
      flags.shards,
      flags.out,
      { cwd: process.cwd(), out: process.stdout, err: process.stderr },
    );
  },

  async cucumber(options) {
    refuseEngineWithServer(options);
    const { runRequestOf } = await import('../run-options/derive-request.js');
    return runWithSignals(runRequestOf([options]));
  },

  async project(name, configFile, options) {
    const configPath = resolve(configFile);
    const { loadProject } = await import('../run-options/project-file.js');
    const project = await loadProject(configPath, name);
    refuseEngineWithServer(options);
    const [{ runRequestOf }, { projectRunOptions }, { isCI }] = await Promise.all([
      import('../run-options/derive-request.js'),
      import('../run-options/derive-project-schema.js'),
      import('ci-info'),
    ]);
    return runWithSignals(runRequestOf([...projectRunOptions(project, { onCi: isCI }), options]));
  },

  async server(flags) {
    const [
      { createLogger },
      { guardServerProcess },
      { startServer },
      { serverToken, tokenFilePath },
      { createRuntime },
    ] = await Promise.all([
      import('../server/logger.js'),
      import('../server/last-resort-guard.js'),
      import('../server/baleen-server.js'),
      import('../config/token-file.js'),
      import('../runtime/create-runtime.js'),
    ]);
    const logger = createLogger('info');
    // Every server has a secret: without --token, the one in the token file (made on first start).
    const tokenFile = flags.token ? undefined : tokenFilePath();
    const token = flags.token || (await serverToken(tokenFile!));
    const server = await startServer({
      host: flags.host,
      port: flags.port,
      token,
      ...(tokenFile === undefined ? {} : { tokenFile }),
      allowImages: flags.allowImage,
      ...(flags.capacity === undefined ? {} : { capacity: flags.capacity }),
      allowNetworks: flags.allowNetwork,
      limits: {
        ...(flags.maxConnections === undefined ? {} : { maxConnections: flags.maxConnections }),
        ...(flags.maxRunsPerConnection === undefined ? {} : { maxRunsPerConnection: flags.maxRunsPerConnection }),
        ...(flags.maxQueuedFeatures === undefined ? {} : { maxQueuedFeatures: flags.maxQueuedFeatures }),
        ...(flags.maxHttpRuns === undefined ? {} : { maxHttpRuns: flags.maxHttpRuns }),
      },
      runtime: await createRuntime(engineChoiceOf(flags)),
      logger,
      ...dataDirOf(flags),
      ...(await webhookOf(flags)),
    });
    guardServerProcess(server, logger);
    process.stdout.write(`baleen server listening on ${server.url}\n`);
    if (server.pageUrl) process.stdout.write(`baleen server live page at ${server.pageUrl}\n`);
    if (tokenFile)
      process.stdout.write(
        `baleen server token in ${tokenFile} (mode 0600; clients of this user on this machine read it there)\n`,
      );
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    logger.info('shutting down: cancelling runs and removing their containers');
    await server.close();
    return ExitCode.passed;
  },

  async reap(flags) {
    const [{ reap }, { createRuntime }] = await Promise.all([
      import('./reap-command.js'),
      import('../runtime/create-runtime.js'),
    ]);
    await reap(
      await createRuntime(engineChoiceOf(flags)),
      {
        ...(flags.olderThan === undefined ? {} : { olderThanMs: flags.olderThan }),
        ...(flags.serverId === undefined ? {} : { serverId: flags.serverId }),
        dryRun: flags.dryRun === true,
      },
      process.stdout,
    );
    return ExitCode.passed;
  },

  async runs(flags) {
    const [{ listStoredRuns, httpBaseOf }, { tokenFor }, { storedRunLine }] = await Promise.all([
      import('../client/stored-runs.js'),
      import('../client/server-token.js'),
      import('./stored-run-line.js'),
    ]);
    const runs = await listStoredRuns(flags.server, await tokenFor(flags.server, flags.token));
    const base = httpBaseOf(flags.server);
    if (runs.length === 0) process.stdout.write('no stored runs\n');
    for (const run of runs)
      process.stdout.write(`${storedRunLine(run)}  ${new URL(`runs/${run.runId}/`, base).href}\n`);
    return ExitCode.passed;
  },

  async report(runId, flags) {
    const reportDir = resolve(flags.reportDir);
    const [{ downloadStoredRun }, { tokenFor }, { storedRunLine }] = await Promise.all([
      import('../client/stored-runs.js'),
      import('../client/server-token.js'),
      import('./stored-run-line.js'),
    ]);
    const run = await downloadStoredRun(flags.server, await tokenFor(flags.server, flags.token), runId, reportDir);
    process.stdout.write(`${storedRunLine(run)}\nreport written to ${reportDir}\n`);
    return ExitCode.passed;
  },
};
