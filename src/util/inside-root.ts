import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Why `path` is not a plain relative path of names, as a client may name a file (a feature, a collected
 * file): undefined when it is one. A NUL, an absolute path, a `..`, or an empty or `.` part are refused
 * rather than cleaned up, so one file never has two spellings and none climbs out of where it is put.
 */
export function relativePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'it holds a NUL character';
  if (path.startsWith('/') || isAbsolute(path)) return 'it is an absolute path';
  const parts = path.split(/[\\/]/);
  if (parts.includes('..')) return 'it climbs out of its folder with `..`';
  if (parts.some((part) => part === '' || part === '.')) return 'it is not normalized (an empty or `.` part)';
  return undefined;
}

/** A write that would have left the folder it belongs in. */
export class OutsideRootError extends Error {
  constructor(
    readonly root: string,
    readonly path: string,
  ) {
    super(`${JSON.stringify(path)} leaves ${root}: not written`);
  }
}

/**
 * The one rule for every file baleen writes under a name that came from elsewhere (a client, a container, a
 * server): `path` resolved inside `root`, or an OutsideRootError. The check is on the resolved path, so
 * whatever spelling climbs out (`..`, an absolute path, a NUL) is refused, whoever forgot to refuse it first.
 */
export function resolveInside(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  const inside = relative(base, target);
  if (path.includes('\0') || inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new OutsideRootError(root, path);
  return target;
}
