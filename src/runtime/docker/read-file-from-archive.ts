import type { Readable } from 'node:stream';

/**
 * The engine hands files out of a container as a tar archive. Returns the first regular file's bytes,
 * refusing more than `maxBytes` so that a runaway report cannot exhaust memory.
 */
export async function readFirstFileFromTar(archive: Readable, maxBytes: number): Promise<Buffer | undefined> {
  // Loaded on first use: only a feature whose report did not come back framed in its stderr needs it.
  const { extract } = await import('tar-stream');
  const tar = extract();
  // pipe() would not pass a broken connection on to the extractor: the loop below would hang or crash.
  archive.on('error', (error) => tar.destroy(error));
  archive.pipe(tar);
  let found: Buffer | undefined;
  for await (const entry of tar) {
    if (found === undefined && entry.header.type === 'file') {
      if ((entry.header.size ?? 0) > maxBytes) {
        entry.resume();
        archive.destroy();
        throw new Error(`report is ${entry.header.size} bytes, over the limit of ${maxBytes}`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found = Buffer.concat(chunks);
    } else {
      entry.resume();
    }
  }
  return found;
}
