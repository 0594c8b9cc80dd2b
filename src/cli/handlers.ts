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
    return runWithSignals({
      image: project.image,
      files: project.files,
      command: project.command,
      workDir: project.work_dir,
      beforeCommand: project.before_command,
      env: project.env ?? {},
      concurrency: flags.concurrency ?? project.concurrency ?? defaultConcurrency(),
      timeoutMs: project.timeout,
      retries: project.retries,
      failFast: project.fail_fast,
      tags: project.tags,
      memoryBytes: project.memory,
      nanoCpus: project.cpus,
      // Constraints add up: the project's say where its suite may run, the command line narrows that.
      constraints: [...(project.constraints ?? []), ...flags.constraint],
      // So do the paths to collect; --collect-max overrides the project's cap.
      collect: [...(project.collect ?? []), ...flags.collect],
      collectMaxBytes: flags.collectMax ?? project.collect_max,
      reportDir: flags.reportDir ?? project.report_dir ?? DEFAULT_REPORT_DIR,
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
