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
