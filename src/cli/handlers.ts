import { resolve } from 'node:path';
import { parseEnvOptions } from '../config/env-option.js';
import { DEFAULT_REPORT_DIR, defaultConcurrency, type RunRequest } from '../config/run-request.js';
import { BaleenError, ExitCode } from '../errors/baleen-error.js';
import { runSuite } from '../client/run-suite.js';
import type { Verbosity } from '../reporters/console/console-reporter.js';
import { createLogger } from '../server/logger.js';
import { guardServerProcess } from '../server/last-resort-guard.js';
import type { ClientFlags, CommandHandlers, EngineFlags, ProjectFlags, ServerFlags } from './program.js';
import { downloadStoredRun, httpBaseOf, listStoredRuns } from '../client/stored-runs.js';
import { storedRunLine } from './stored-run-line.js';
import { startServer, type ServerOptions } from '../server/baleen-server.js';
import { serverToken, tokenFilePath } from '../config/token-file.js';
import { tokenFor } from '../client/server-token.js';
import { reap } from './reap-command.js';
import { createRuntime, DEFAULT_ENGINE, type EngineChoice, type RuntimeKind } from '../runtime/create-runtime.js';
import { abortOnSignals } from './interrupt.js';
import { DEFAULT_TIMINGS_FILE } from '../scheduling/timing-history.js';
import { batchChoiceOf } from '../batch/batch-option.js';

function verbosityOf(flags: { quiet?: boolean; verbose?: boolean }): Verbosity {
  return flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal';
}

async function runWithSignals(request: RunRequest): Promise<number> {
  const interrupt = abortOnSignals(() => process.exit(ExitCode.interrupted));
  try {
    return await runSuite(request, { cwd: process.cwd(), out: process.stdout, err: process.stderr, signal: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
}

/**
 * The engine of the embedded server. A `--server` has chosen its own engine when it started; a client that
 * also names one would be silently ignored, so it is told instead.
 */
function engineOf(flags: EngineFlags & { server?: string }, projectRuntime?: RuntimeKind): EngineChoice {
  if (flags.server !== undefined && (flags.runtime !== undefined || flags.dockerHost !== undefined)) {
    throw new BaleenError('USAGE', '--runtime and --docker-host choose the embedded server\'s engine, and --server names a running server with its own', {
      hint: 'start that server with them (baleen server --runtime swarm), or drop --server',
    });
  }
  return {
    runtime: flags.runtime ?? projectRuntime ?? DEFAULT_ENGINE.runtime,
    ...(flags.dockerHost === undefined ? {} : { dockerHost: flags.dockerHost }),
  };
}

/** Flags that both `cucumber` and `project` take, over whatever the project file said. */
function clientSettings(flags: ClientFlags) {
  return {
    ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    ...(flags.failFast === undefined ? {} : { failFast: flags.failFast }),
    ...(flags.tags === undefined ? {} : { tags: flags.tags }),
    batch: batchChoiceOf(flags.batch, flags.batchTarget),
    ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    timingsFile: flags.timings ?? DEFAULT_TIMINGS_FILE,
    ...(flags.memory === undefined ? {} : { memoryBytes: flags.memory }),
    ...(flags.cpus === undefined ? {} : { nanoCpus: flags.cpus }),
    ...(flags.network === undefined ? {} : { network: flags.network }),
    ...(flags.stopGrace === undefined ? {} : { stopGraceSeconds: flags.stopGrace }),
    ...(flags.server === undefined ? {} : { server: flags.server }),
    ...(flags.token === undefined ? {} : { token: flags.token }),
    verbosity: verbosityOf(flags),
  };
}

/** `--keep` and `--keep-for` mean nothing without a data dir to keep runs in: say so rather than ignore them. */
function dataDirOf(flags: ServerFlags): Pick<ServerOptions, 'dataDir' | 'retention'> {
  if (flags.dataDir === undefined) {
    if (flags.keep !== undefined || flags.keepFor !== undefined) {
      throw new BaleenError('USAGE', '--keep and --keep-for limit the runs kept in --data-dir, and there is none', { hint: 'add --data-dir DIR' });
    }
    return {};
  }
  return {
    dataDir: resolve(flags.dataDir),
    retention: { ...(flags.keep === undefined ? {} : { keep: flags.keep }), ...(flags.keepFor === undefined ? {} : { keepForMs: flags.keepFor }) },
  };
}

/** Push-triggered runs: the secret, and the projects of --config that name a repository. */
async function webhookOf(flags: ServerFlags): Promise<Pick<ServerOptions, 'webhook'>> {
  if (flags.webhookSecret === undefined) {
    if (flags.config !== undefined || flags.cancelSuperseded) {
      throw new BaleenError('USAGE', '--config and --cancel-superseded configure push-triggered runs, and there is no --webhook-secret', { hint: 'add --webhook-secret SECRET (or set BALEEN_WEBHOOK_SECRET)' });
    }
    return {};
  }
  if (flags.webhookSecret.length < 16) throw new BaleenError('USAGE', '--webhook-secret is shorter than 16 characters', { hint: 'use a long random secret, the same as in the repository\'s webhook settings' });
  if (flags.dataDir === undefined) throw new BaleenError('USAGE', '--webhook-secret needs --data-dir: pushes are checked out and their runs stored there', { hint: 'add --data-dir DIR' });
  const configPath = resolve(flags.config ?? 'baleen.yml');
  const { loadProjectFile } = await import('../config/project-file.js');
  const projects = Object.fromEntries(Object.entries(await loadProjectFile(configPath)).filter(([, project]) => project.repository !== undefined));
  if (Object.keys(projects).length === 0) {
    throw new BaleenError('CONFIG', `${configPath} has no project with a \`repository\`, so no push could run anything`, { hint: 'add repository, branches and dockerfile to a project' });
  }
  return { webhook: { secret: flags.webhookSecret, projects, cancelSuperseded: flags.cancelSuperseded === true } };
}

export const commandHandlers: CommandHandlers = {
  // Modules only one command needs are imported by it: a run pays for no YAML parser (the fixed cost, bench/).
  async merge(dirs, flags) {
    const { mergeReports } = await import('../client/merge-reports.js');
    return mergeReports(dirs, flags.reportDir, { cwd: process.cwd(), out: process.stdout, err: process.stderr }, flags.timings);
  },

  async init(flags) {
    const { initProject } = await import('../init/init-project.js');
    await initProject({ cwd: process.cwd(), out: process.stdout, shards: flags.shards, ...(flags.image ? { image: flags.image } : {}), ...(flags.files ? { files: flags.files } : {}) });
    return ExitCode.passed;
  },

  cucumber(flags) {
    return runWithSignals({
      image: flags.image,
      files: flags.files,
      command: flags.command,
      workDir: flags.workDir,
      beforeCommand: flags.beforeCommand,
      env: parseEnvOptions(flags.env),
      concurrency: flags.concurrency ?? defaultConcurrency(),
      constraints: flags.constraint,
      collect: flags.collect,
      collectMaxBytes: flags.collectMax,
      reportDir: flags.reportDir ?? DEFAULT_REPORT_DIR,
      engine: engineOf(flags),
      ...clientSettings(flags),
    });
  },

  async project(name, flags: ProjectFlags) {
    const configPath = resolve(flags.config);
    const { loadProject } = await import('../config/project-file.js');
    const project = await loadProject(configPath, name);
    const { projectRunRequest } = await import('../config/project-request.js');
    const fromFile = projectRunRequest(project);
    return runWithSignals({
      ...fromFile,
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      // Constraints add up: the project's say where its suite may run, the command line narrows that.
      constraints: [...fromFile.constraints, ...flags.constraint],
      // So do the paths to collect; --collect-max overrides the project's cap.
      collect: [...(fromFile.collect ?? []), ...flags.collect],
      ...(flags.collectMax === undefined ? {} : { collectMaxBytes: flags.collectMax }),
      ...(flags.reportDir === undefined ? {} : { reportDir: flags.reportDir }),
      engine: engineOf(flags, project.runtime),
      ...clientSettings(flags),
    });
  },

  async server(flags) {
    const logger = createLogger('info');
    // Every server has a secret: without --token, the one in the token file (made on first start).
    const tokenFile = flags.token ? undefined : tokenFilePath();
    const token = flags.token || (await serverToken(tokenFile!));
    const server = await startServer({
      host: flags.host,
      port: flags.port,
      token,
      allowImages: flags.allowImage,
      ...(flags.capacity === undefined ? {} : { capacity: flags.capacity }),
      allowNetworks: flags.allowNetwork,
      limits: {
        ...(flags.maxConnections === undefined ? {} : { maxConnections: flags.maxConnections }),
        ...(flags.maxRunsPerConnection === undefined ? {} : { maxRunsPerConnection: flags.maxRunsPerConnection }),
        ...(flags.maxQueuedFeatures === undefined ? {} : { maxQueuedFeatures: flags.maxQueuedFeatures }),
      },
      runtime: createRuntime(engineOf(flags)),
      logger,
      ...dataDirOf(flags),
      ...(await webhookOf(flags)),
    });
    guardServerProcess(server, logger);
    process.stdout.write(`baleen server listening on ${server.url}\n`);
    if (tokenFile) process.stdout.write(`baleen server token in ${tokenFile} (mode 0600; clients of this user on this machine read it there)\n`);
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
    await reap(createRuntime(engineOf(flags)), {
      ...(flags.olderThan === undefined ? {} : { olderThanMs: flags.olderThan }),
      ...(flags.serverId === undefined ? {} : { serverId: flags.serverId }),
      dryRun: flags.dryRun === true,
    }, process.stdout);
    return ExitCode.passed;
  },

  async runs(flags) {
    const runs = await listStoredRuns(flags.server, await tokenFor(flags.server, flags.token));
    const base = httpBaseOf(flags.server);
    if (runs.length === 0) process.stdout.write('no stored runs\n');
    for (const run of runs) process.stdout.write(`${storedRunLine(run)}  ${new URL(`runs/${run.runId}/`, base).href}\n`);
    return ExitCode.passed;
  },

  async report(runId, flags) {
    const reportDir = resolve(flags.reportDir);
    const run = await downloadStoredRun(flags.server, await tokenFor(flags.server, flags.token), runId, reportDir);
    process.stdout.write(`${storedRunLine(run)}\nreport written to ${reportDir}\n`);
    return ExitCode.passed;
  },
};
