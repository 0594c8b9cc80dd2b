import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BaleenError } from '../errors/baleen-error.js';

/**
 * Where `baleen server` keeps the token it made, and where its user's clients find it: BALEEN_TOKEN_FILE, else
 * `$XDG_CONFIG_HOME/baleen/server-token` (`~/.config/baleen/server-token`). The file is the user's alone
 * (0600, in a 0700 folder), so another local user can neither read the token nor start containers.
 */
export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BALEEN_TOKEN_FILE) return env.BALEEN_TOKEN_FILE;
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'baleen', 'server-token');
}

/** A new random token: 32 bytes, URL-safe, so it fits a header and a shell variable as it is. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token of a `baleen server` started without --token: the one in the file if there is one (so that a
 * restarted server keeps its clients' token), else a new one written there. A file others may read is made
 * the user's alone first; one that is not a regular file is refused.
 */
export async function serverToken(path: string): Promise<string> {
  const existing = await readTokenFile(path);
  if (existing !== undefined) return existing;
  const token = newToken();
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // `wx`: two servers starting at once never overwrite each other's token; the loser reads the winner's.
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readTokenFile(path)) ?? token;
    throw tokenFileError(path, error);
  }
}

/** The token a client of the same user finds in the file, if any; a file it cannot read is as none. */
export async function clientToken(path: string): Promise<string | undefined> {
  try {
    return await readTokenFile(path);
  } catch {
    return undefined;
  }
}

async function readTokenFile(path: string): Promise<string | undefined> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw tokenFileError(path, error);
  }
  if (!stats.isFile()) throw tokenFileError(path, new Error('not a regular file'));
  if ((stats.mode & 0o077) !== 0)
    await chmod(path, 0o600).catch((error: unknown) => Promise.reject(tokenFileError(path, error)));
  const token = (await readFile(path, 'utf8')).trim();
  return token === '' ? undefined : token;
}

function tokenFileError(path: string, cause: unknown): BaleenError {
  return new BaleenError('CONFIG', `cannot use the token file ${path} (${(cause as Error).message ?? String(cause)})`, {
    hint: 'fix or remove it, point BALEEN_TOKEN_FILE elsewhere, or pass --token',
    cause,
  });
}
