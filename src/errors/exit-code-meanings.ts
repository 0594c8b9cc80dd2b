import { ExitCode } from './baleen-error.js';

/** What each exit code tells a script, as the README's exit-code table says it (a test holds them equal). */
export const EXIT_CODE_MEANINGS: Record<ExitCode, string> = {
  [ExitCode.passed]: 'every feature passed',
  [ExitCode.failed]:
    'at least one feature failed or errored; baleen merge: or the shards are not one whole pipeline (a shard missing, a feature that ran nowhere or twice)',
  [ExitCode.usage]:
    'usage or configuration error: unknown option, no feature matched, no scenario selected (--tags, --shard; see --pass-with-no-tests), a --files that is empty, leaves the current directory or walks more than 10 000 folders, bad --env, bad project file, a --report-dir holding files baleen did not write',
  [ExitCode.infrastructure]:
    'infrastructure error: engine unreachable or not a cluster manager, image missing, no node fits the constraints, server unreachable or gone, a report dir that cannot be written, a report that could not be written',
  [ExitCode.interrupted]: 'interrupted (Ctrl-C / SIGTERM): containers removed, partial reports written',
};

/**
 * The exit codes of the commands that run no suite, as each one's --help lists them (a run's are above: the
 * `cucumber`, `project` and `merge` commands, and `baleen --help`).
 */
export const COMMAND_EXIT_CODES: Record<string, Partial<Record<ExitCode, string>>> = {
  plan: {
    [ExitCode.passed]: 'the plan was written',
    [ExitCode.usage]:
      'usage or configuration error: unknown option, no feature matched, a shard the plan would leave empty (see --pass-with-no-tests), bad project file',
    [ExitCode.infrastructure]: 'the plan file could not be written',
  },
  init: {
    [ExitCode.passed]: 'the files were written, or kept as they were',
    [ExitCode.usage]: 'usage error: unknown option, a --shards that is not a whole number',
    [ExitCode.infrastructure]: 'a file could not be written (permissions, a read-only folder)',
  },
  server: {
    [ExitCode.passed]: 'stopped by Ctrl-C or SIGTERM: every run cancelled, its containers removed',
    [ExitCode.usage]: 'usage error: unknown option, a bad --port, a bad --config with --webhook-secret',
    [ExitCode.infrastructure]:
      'could not start (the port is taken, the engine is unreachable), or an error nobody caught: containers removed',
  },
  reap: {
    [ExitCode.passed]: 'everything listed was removed (or, with --dry-run, would be)',
    [ExitCode.usage]: 'usage error: unknown option, a bad --older-than',
    [ExitCode.infrastructure]: 'the engine is unreachable, or refused a removal',
  },
  runs: {
    [ExitCode.passed]: 'the stored runs were listed (none is no error)',
    [ExitCode.usage]: 'usage error: unknown option',
    [ExitCode.infrastructure]: 'the server cannot be reached, or refuses the token',
  },
  report: {
    [ExitCode.passed]: "the run's report was written to --report-dir",
    [ExitCode.usage]: 'usage error: unknown option, no stored run of that id, a --report-dir baleen did not write',
    [ExitCode.infrastructure]: 'the server cannot be reached or refuses the token, or the report dir cannot be written',
  },
};
