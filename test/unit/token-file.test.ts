import { chmod, mkdtemp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientToken, serverToken, tokenFilePath } from '../../src/config/token-file.js';

const folder = () => mkdtemp(join(tmpdir(), 'baleen-token-unit-'));

describe('the server token file', () => {
  it('lives at BALEEN_TOKEN_FILE, else under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(tokenFilePath({ BALEEN_TOKEN_FILE: '/x/t' })).toBe('/x/t');
    expect(tokenFilePath({ XDG_CONFIG_HOME: '/cfg', HOME: '/h' })).toBe('/cfg/baleen/server-token');
    expect(tokenFilePath({ HOME: '/h' })).toBe('/h/.config/baleen/server-token');
  });

  it('is made once, 0600 in a 0700 folder, and read back by the server and its clients', async () => {
    const path = join(await folder(), 'baleen', 'server-token');
    const token = await serverToken(path);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
    expect(await serverToken(path)).toBe(token);
    expect(await clientToken(path)).toBe(token);
  });

  it("makes a file others could read the user's alone before using it", async () => {
    const path = join(await folder(), 'server-token');
    await writeFile(path, 'kept-token\n');
    await chmod(path, 0o644);
    expect(await serverToken(path)).toBe('kept-token');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses what is not a regular file, in one line naming the fix', async () => {
    const path = join(await folder(), 'server-token');
    await mkdir(path);
    await expect(serverToken(path)).rejects.toThrow(/cannot use the token file .*server-token \(not a regular file\)/);
    expect(await clientToken(path)).toBeUndefined();
    expect(await readFile(join(path, '..', 'server-token')).catch(() => 'no file')).toBe('no file');
  });
});
