import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, type AgentOptions } from 'node:http';
import { Duplex } from 'node:stream';

/** Where an ssh:// engine address points: `ssh://[user@]host[:port][/path/to/docker.sock]`. */
export interface SshTarget {
  user?: string;
  hostname: string;
  port?: string;
  /** The engine's socket on the remote machine; absent for the remote docker CLI's own default. */
  socketPath?: string;
}

/** The remote side keeps its last words short: this much of ssh's stderr is kept for the error message. */
const STDERR_TAIL_BYTES = 4096;

/**
 * The ssh arguments of the docker CLI (cli/connhelper): the system `ssh`, so that ~/.ssh/config, the agent
 * and known_hosts all apply, running `docker system dial-stdio` on the remote machine, which joins its stdin and
 * stdout to the remote engine's socket. Like the CLI: a 30 s connect timeout, no pseudo-terminal (-T, so no
 * login shell mangles the bytes), and `--` before the host so that no host name is taken for an option.
 */
export function sshArguments(target: SshTarget): string[] {
  const remote = target.socketPath
    ? ['docker', `--host=unix://${target.socketPath}`, 'system', 'dial-stdio']
    : ['docker', 'system', 'dial-stdio'];
  return [
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', target.port] : []),
    '-o',
    'ConnectTimeout=30',
    '-T',
    '--',
    target.hostname,
    // ssh hands the remote command to the remote user's shell as one string.
    remote.map(shellQuote).join(' '),
  ];
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** ssh could not carry the connection: it could not start, or it exited with an error before or while it did. */
export class SshTransportError extends Error {
  readonly code = 'ESSHTRANSPORT';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SshTransportError';
  }
}

/**
 * One connection to the engine: a child process (ssh) whose stdin and stdout are the two directions of the
 * stream, as the docker CLI's commandconn. It stands in for a net.Socket under an http.Agent, so it also answers
 * the socket calls the agent makes (ref/unref, setTimeout, setKeepAlive, setNoDelay).
 */
export class CommandConnection extends Duplex {
  private readonly child: ChildProcess;
  private stderrTail = '';
  private idleTimer: NodeJS.Timeout | undefined;
  private idleMs = 0;

  constructor(command: string, args: readonly string[]) {
    super({ allowHalfOpen: true });
    // detached: a session of its own (as the CLI's setsid), so Ctrl-C at the terminal reaches baleen, which
    // still needs this connection to remove its containers, and not ssh.
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    liveChildren.add(this.child);
    const { stdin, stdout, stderr } = this.child as ChildProcess & {
      stdin: NodeJS.WritableStream;
      stdout: NodeJS.ReadableStream;
      stderr: NodeJS.ReadableStream;
    };
    stdout.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) stdout.pause();
    });
    stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    // A write into a process that died fails with EPIPE; its exit (below) says why, which EPIPE would not.
    stdin.on('error', () => undefined);
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      liveChildren.delete(this.child);
      this.destroy(new SshTransportError(`could not run ${command} (${error.code ?? error.message})`, ''));
    });
    this.child.on('close', (code, signal) => this.onExit(command, code, signal));
  }

  private onExit(command: string, code: number | null, signal: NodeJS.Signals | null): void {
    liveChildren.delete(this.child);
    clearTimeout(this.idleTimer);
    if (this.destroyed) return;
    if (code === 0) {
      // Both sides end, so the socket closes and the agent drops it: a dead connection reused would swallow
      // the next request's writes and hang it.
      this.push(null);
      this.end();
      return;
    }
    const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
    const said = lastLine(this.stderrTail);
    this.destroy(new SshTransportError(`${command} ${how}${said ? `: ${said}` : ''}`, this.stderrTail));
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    // Never fail the write itself: if ssh is gone, its exit reports the reason.
    this.child.stdin!.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Half-close: the remote end reads EOF and may still answer (the CLI's CloseWrite).
    this.child.stdin!.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    callback(error);
  }

  /** An idle connection in the agent's pool must not keep baleen alive. */
  unref(): this {
    this.child.unref();
    for (const pipe of this.pipes()) pipe.unref();
    return this;
  }

  ref(): this {
    this.child.ref();
    for (const pipe of this.pipes()) pipe.ref();
    return this;
  }

  /** As net.Socket: 'timeout' after `ms` without traffic (the agent closes idle pooled connections with it). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    if (onTimeout) this.once('timeout', onTimeout);
    this.touch();
    return this;
  }

  setKeepAlive(): this {
    return this; // ssh has its own keep-alives (ServerAliveInterval in ~/.ssh/config)
  }

  setNoDelay(): this {
    return this;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0 && !this.destroyed)
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs).unref();
  }

  private pipes(): { ref(): void; unref(): void }[] {
    return [this.child.stdin, this.child.stdout, this.child.stderr].filter((pipe) => pipe !== null) as unknown as {
      ref(): void;
      unref(): void;
    }[];
  }
}

/**
 * An http.Agent whose connections are ssh processes to the engine's machine. Kept alive and reused, as the
 * CLI's http.Transport does, since each new one costs an ssh handshake; one idle for 30 s is closed.
 */
export class SshAgent extends Agent {
  constructor(
    private readonly target: SshTarget,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, timeout: 30_000, ...options });
  }

  override createConnection(): Duplex {
    return new CommandConnection('ssh', sshArguments(this.target));
  }
}

/**
 * ssh processes still running when baleen exits (a pooled idle connection, a run cut short) are ended with it,
 * as the CLI's Pdeathsig does; being in sessions of their own, nothing else would end them.
 */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGTERM');
});

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
