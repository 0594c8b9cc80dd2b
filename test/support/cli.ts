import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Scratch } from './scratch.js';

export const TEST_TOKEN_FILE = join(tmpdir(), `baleen-test-token-${process.pid}`, 'server-token');

export const BALEEN_BIN = fileURLToPath(new URL('../../bin/baleen.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The real CLI as a child process, the way a user or CI runs it. Output is recorded from the start, so a
 * test can wait for a line whenever it likes without missing one that arrived earlier.
 */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Settles when the process has exited and its output is closed. */
  readonly done: Promise<CliResult>;
  private readonly waiters: (() => void)[] = [];

  /**
   * `node` replaces the CLI with other node arguments (a script of a test's own); `user` runs it as another
   * user (uid and gid, supplementary groups dropped), as a stranger on the same machine.
   */
  constructor(
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv; node?: string[]; user?: { uid: number; gid: number } },
  ) {
    // A run records a timing history where it runs; tests keep theirs out of the fixture suite.
    const runs = (args[0] === 'cucumber' || args[0] === 'project') && !args.includes('--timings');
    const timings = runs ? ['--timings', join(tmpdir(), `baleen-test-timings-${process.pid}.json`)] : [];
    this.child = spawn(process.execPath, options.node ?? [BALEEN_BIN, ...args, ...timings], {
      cwd: options.cwd,
      // The servers' token file is the tests' own, not the developer's (~/.config/baleen/server-token).
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', BALEEN_TOKEN_FILE: TEST_TOKEN_FILE, ...options.env },
      ...(options.user ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const notify = () => this.waiters.forEach((waiter) => waiter());
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      notify();
    });
    this.done = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves with the first match of the pattern in stdout, past or future; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (match) {
          this.waiters.splice(this.waiters.indexOf(check), 1);
          resolve(match);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          reject(new Error(`process ended before printing ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        }
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<CliResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.done;
  }
}

export function runCli(args: string[], options: ConstructorParameters<typeof CliProcess>[1]): Promise<CliResult> {
  return new CliProcess(args, options).done;
}

/** A `baleen server` on a free loopback port; resolves once it listens. */
export async function startServerProcess(options: {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
}): Promise<{ process: CliProcess; url: string }> {
  const server = new CliProcess(['server', '--port', '0', ...(options.args ?? [])], options);
  const url = (await server.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
  return { process: server, url };
}

/** A test file's `baleen server`, its process and its ws:// address once it listens. */
export interface FileServer {
  process: CliProcess;
  url: string;
}

/**
 * A `baleen server --data-dir` for a test file: started before its tests, in its scratch dir, with the token in
 * BALEEN_TOKEN and `args` added; stopped after them, cleanly (exit 0). Read `process` and `url` inside the tests.
 */
export function useStoringServer(scratch: Scratch, token: string, args: string[] = []): FileServer {
  const server = {} as FileServer;
  beforeAll(async () => {
    Object.assign(
      server,
      await startServerProcess({
        cwd: scratch.dir,
        env: { BALEEN_TOKEN: token },
        args: ['--data-dir', scratch.path('data'), ...args],
      }),
    );
  });
  afterAll(async () => {
    expect((await server.process.stop('SIGTERM')).code).toBe(0);
  });
  return server;
}
