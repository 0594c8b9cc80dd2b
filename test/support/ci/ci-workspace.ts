import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a CI runner gives a job, for the tests that run a CI file's commands on the real engine: a fresh
 * checkout, baleen installed (this repository's, where `npm ci` would put it), the engine, and a store for
 * caches and artifacts that outlives the job.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The commands that install a CI image's tooling (`npm ci`, `apk add`): here, baleen and Node are there already. */
export const TOOLING_INSTALL = /^(npm ci\b|apk add\b)/;

/** `docker build -t IMAGE .`: no registry is reachable here to pull `node:20`, so the image is built without one. */
const DOCKER_BUILD = /^docker build -t (\S+) \.$/;

export class CiStore {
  readonly dir: string;
  private constructor(dir: string) {
    this.dir = dir;
  }
  static async create(): Promise<CiStore> {
    return new CiStore(await mkdtemp(join(tmpdir(), 'baleen-ci-store-')));
  }
  /**
   * Copies a path of a job's workspace into the store under a name (an artifact, a cache entry), at the same
   * path inside it, or at its root (`atRoot`: a GitHub artifact of one folder holds that folder's contents).
   */
  async keep(kind: 'artifact' | 'cache', name: string, workspace: string, path: string, atRoot = false): Promise<void> {
    const source = join(workspace, path);
    // A folder's contents go at the root; a file, under its own name.
    const inside = atRoot ? ((await stat(source)).isDirectory() ? '' : basename(path)) : path;
    await cp(source, join(this.dir, kind, name, inside), { recursive: true });
  }
  /** Puts back what `keep` stored under a name, at the paths it had; false when nothing was kept. */
  async restore(kind: 'artifact' | 'cache', name: string, workspace: string, into = ''): Promise<boolean> {
    const source = join(this.dir, kind, name);
    const there = await readdir(source).then(
      () => true,
      () => false,
    );
    if (there) await cp(source, join(workspace, into), { recursive: true });
    return there;
  }
  async names(kind: 'artifact' | 'cache'): Promise<string[]> {
    return readdir(join(this.dir, kind)).catch(() => []);
  }
}

/** A fresh checkout of the project for one job, with baleen in node_modules as the project's `npm ci` installs it. */
export async function checkout(project: string): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'baleen-ci-job-'));
  await cp(project, workspace, {
    recursive: true,
    filter: (source) => !/\/(node_modules|baleen-report|shards|\.baleen)(\/|$)/.test(source.slice(project.length)),
  });
  await mkdir(join(workspace, 'node_modules', '.bin'), { recursive: true });
  await symlink(REPO_ROOT, join(workspace, 'node_modules', 'baleen'));
  await symlink(join(REPO_ROOT, 'bin', 'baleen.js'), join(workspace, 'node_modules', '.bin', 'baleen'));
  return workspace;
}

export interface CommandResult {
  command: string;
  code: number;
  output: string;
}

/** Runs one of the CI file's commands in the job's shell and workspace, on the tests' engine. */
export async function runCommand(
  command: string,
  shell: string[],
  workspace: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  const build = DOCKER_BUILD.exec(command.trim());
  if (build) {
    execFileSync('bash', [join(REPO_ROOT, 'docker/build-images.sh'), '--suite', workspace, '--tag', build[1]!], {
      stdio: 'pipe',
    });
    return { command, code: 0, output: '' };
  }
  const child = spawn(shell[0]!, [...shell.slice(1), command], {
    cwd: workspace,
    env: { ...process.env, ...env, DOCKER_HOST: process.env.DOCKER_HOST ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  return { command, code, output };
}
