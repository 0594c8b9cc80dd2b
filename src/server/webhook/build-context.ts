import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { commitArchive } from './checkout.js';

const DOCKERIGNORE = '.dockerignore';

/**
 * A push's build context, as the engine's own command line would send it: the checked-out commit's files
 * (`git archive`: exactly what it committed, without .git) less what the repository's `.dockerignore`
 * excludes, by the engine's rules (@balena/dockerignore follows Moby's). The Dockerfile and .dockerignore are
 * always sent, as that command line does: the engine needs them, and only COPY and ADD are meant to skip them.
 */
export async function buildContext(dir: string, dockerfile: string): Promise<NodeJS.ReadableStream> {
  const rules = await readFile(join(dir, DOCKERIGNORE), 'utf8').catch(() => undefined);
  if (rules === undefined) return commitArchive(dir);
  // A CommonJS module whose export is also its own `default`, as its types say.
  const { default: dockerignore } = await import('@balena/dockerignore');
  const ignored = dockerignore.default().add(rules);
  const always = new Set([DOCKERIGNORE, dockerfile.replace(/^\.\//, '')]);
  const keep = (name: string) => {
    const path = name.replace(/\/$/, '');
    return always.has(path) || !ignored.ignores(path);
  };
  // Loaded when a push builds, not by every server (a module loaded at start is a cost of every command).
  const tar = await import('tar-stream');
  // git's output is read from the moment it starts: a child's output left unread while we wait is lost.
  return filterArchive(tar, commitArchive(dir), keep);
}

/** The tar stream `archive`, with only the entries `keep` keeps. */
function filterArchive(
  { extract, pack }: typeof import('tar-stream'),
  archive: NodeJS.ReadableStream,
  keep: (name: string) => boolean,
): Readable {
  const reader = extract();
  const writer = pack();
  reader.on('entry', (header, stream, next) => {
    if (!keep(header.name)) {
      stream.on('end', next).resume();
      return;
    }
    stream.pipe(writer.entry(header, next));
  });
  reader.on('finish', () => writer.finalize());
  const out = new PassThrough();
  // A broken archive ends the context with an error, which fails the build that reads it.
  pipeline(archive as Readable, reader).catch((error: unknown) => out.destroy(error as Error));
  writer.on('error', (error) => out.destroy(error));
  return writer.pipe(out);
}
