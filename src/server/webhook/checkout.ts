import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { BaleenError } from '../../errors/baleen-error.js';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 10 * 60_000;

/** Git without prompts or the user's configuration getting a say in what a server fetches. */
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

async function git(args: string[], cwd?: string, signal?: AbortSignal): Promise<void> {
  try {
    await run('git', args, { cwd, env: gitEnv, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, signal });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT')
      throw new BaleenError('CONFIG', 'push-triggered runs need git, and it is not installed', {
        hint: 'install git (apt-get install git)',
      });
    throw new BaleenError('CONFIG', `git ${args[0]} failed: ${(stderr ?? String(error)).trim().split('\n').at(-1)}`, {
      hint: "check the project's repository URL and that this server can reach it",
    });
  }
}

/**
 * Fetches `branch` of `repository` into a new folder `dir` and checks out `commit` (the push's), which it must
 * hold. `signal` (the server's shutdown) ends a fetch that hangs.
 */
export async function checkOut(
  repository: string,
  branch: string,
  commit: string,
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(['init', '--quiet', dir], undefined, signal);
  await git(['fetch', '--quiet', '--no-tags', repository, `refs/heads/${branch}`], dir, signal);
  await git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit], dir, signal);
}

/** The checked-out commit's files as a tar stream (exactly what it committed, without .git): the build context. */
export function commitArchive(dir: string): NodeJS.ReadableStream {
  const child = spawn('git', ['archive', '--format=tar', 'HEAD'], {
    cwd: dir,
    env: gitEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return child.stdout;
}
