import type { CollectedArtifacts } from '../domain/feature-run.js';

/**
 * The files a feature's container sent back (see collect-command.ts): its base64 text decoded into a tar
 * archive, whose regular files are kept by their path in the archive. An archive cut at the cap keeps every
 * file that came whole and says what was cut; links, devices and folders are not files and are left out, as
 * is any entry whose path would leave the feature's folder.
 */
export async function extractArtifacts(
  base64: Buffer,
  maxBytes: number,
  paths: readonly string[],
): Promise<CollectedArtifacts> {
  const archive = Buffer.from(base64.toString('latin1'), 'base64');
  const cut = archive.length > maxBytes;
  const files: CollectedArtifacts['files'] = [];
  const skipped: string[] = [];
  // Loaded when a run collects, not by every run (the fixed cost of every run stays small).
  const { extract } = await import('tar-stream');
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      const path = safePath(header.name);
      if (header.type === 'file' && path !== undefined)
        files.push({ path, data: Buffer.concat(chunks).toString('base64') });
      else if (header.type === 'file') skipped.push(header.name);
      next();
    });
    // The entry the cap cut in half ends in an error: it is not a whole file, and is left out.
    stream.on('error', () => undefined);
    stream.resume();
  });
  const done = new Promise<void>((resolve) => {
    reader.on('finish', () => resolve());
    // A cut archive ends mid-entry: the entries before it stand.
    reader.on('error', () => resolve());
  });
  const kept = archive.subarray(0, maxBytes);
  if (kept.length > 0) reader.write(kept);
  reader.end(null);
  await done;
  const notes = [
    ...(files.length === 0 && !cut ? [`nothing found under ${paths.join(', ')}`] : []),
    ...(cut
      ? [
          `cut at ${maxBytes} bytes (--collect-max): ${files.length} whole file${files.length === 1 ? '' : 's'} kept, the rest was not collected`,
        ]
      : []),
    ...(skipped.length > 0
      ? [
          `left out ${skipped.length} file${skipped.length === 1 ? '' : 's'} whose path leaves the folder: ${skipped.slice(0, 5).join(', ')}`,
        ]
      : []),
  ];
  return { files, ...(notes.length === 0 ? {} : { note: notes.join('; ') }) };
}

/** The entry's path relative to the feature's artifacts folder, or undefined when it would leave it. */
function safePath(name: string): string | undefined {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..' || part.includes('\0'))) return undefined;
  return parts.join('/');
}
