import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ArtifactStream, type ArtifactPiece } from '../../src/artifacts/artifact-stream.js';

async function archive(
  entries: Array<{ name: string; data?: Buffer | string; type?: 'file' | 'symlink'; linkname?: string }>,
): Promise<Buffer> {
  const packer = pack();
  for (const { data, ...header } of entries) packer.entry(header, data ?? '');
  packer.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of packer) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const base64 = (bytes: Buffer) => Buffer.from(bytes.toString('base64').replace(/.{76}/g, '$&\n'));

/** Streams `text` through an ArtifactStream in pieces of `size` bytes: the pieces it handed on, and its result. */
async function collect(text: Buffer, maxBytes: number, paths: string[], size = 1000) {
  const pieces: ArtifactPiece[] = [];
  const stream = new ArtifactStream(maxBytes, paths, (piece) => pieces.push(piece));
  for (let at = 0; at < text.length; at += size) stream.write(text.subarray(at, at + size));
  const result = await stream.finish();
  const whole = (path: string) =>
    Buffer.concat(pieces.filter((piece) => piece.path === path).map((piece) => piece.data));
  return { pieces, result, whole };
}

describe('ArtifactStream: collected files read as they arrive', () => {
  it('hands on regular files piece by piece, leaves out links and paths that leave the folder, and says so', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const tar = await archive([
      { name: './shots/a.png', data: Buffer.from([0, 255]) },
      { name: 'shots/link', type: 'symlink', linkname: '/etc/passwd' },
      { name: '../escape.txt', data: 'x' },
      { name: 'shots/.gitkeep', data: '' },
      { name: 'big.bin', data: big },
    ]);
    // Pieces of the base64 text of odd sizes, as the engine's stream cuts them.
    const { pieces, result, whole } = await collect(base64(tar), 16 << 20, ['shots/', 'big.bin'], 4093);
    expect(result.files).toEqual([
      { path: 'shots/a.png', bytes: 2 },
      { path: 'shots/.gitkeep', bytes: 0 },
      { path: 'big.bin', bytes: big.length },
    ]);
    expect(result.note).toBe('left out 1 file whose path leaves the folder: ../escape.txt');
    expect([...whole('shots/a.png')]).toEqual([0, 255]);
    expect(whole('big.bin').equals(big)).toBe(true);
    // A large file comes in several pieces, none of them the whole file, and only its last one ends it.
    const bigPieces = pieces.filter((piece) => piece.path === 'big.bin');
    expect(bigPieces.length).toBeGreaterThan(4);
    expect(Math.max(...bigPieces.map((piece) => piece.data.length))).toBeLessThan(1024 * 1024);
    expect(bigPieces.map((piece) => piece.end)).toEqual([...bigPieces.slice(1).map(() => false), true]);
    expect(pieces.filter((piece) => piece.path === 'shots/.gitkeep')).toEqual([
      { path: 'shots/.gitkeep', data: Buffer.alloc(0), end: true },
    ]);
  });

  it('keeps the whole files before the cap and names the cut: the file cut in half never ends; an empty archive is nothing found', async () => {
    const tar = await archive([
      { name: 'one.txt', data: 'one' },
      { name: 'big.bin', data: Buffer.alloc(10_000) },
    ]);
    const cut = await collect(base64(tar.subarray(0, 4001)), 4000, ['one.txt', 'big.bin']);
    expect(cut.result.files.map((file) => file.path)).toEqual(['one.txt']);
    expect(cut.result.note).toBe('cut at 4000 bytes (--collect-max): 1 whole file kept, the rest was not collected');
    expect(cut.pieces.some((piece) => piece.path === 'big.bin' && piece.end)).toBe(false);
    expect((await collect(Buffer.alloc(0), 4000, ['shots/'])).result).toEqual({
      files: [],
      note: 'nothing found under shots/',
    });
  });

  it('gives up on a section that never ended, and says why', () => {
    const stream = new ArtifactStream(4000, ['shots/'], () => undefined);
    expect(stream.abandon('the command did not return to its shell')).toEqual({
      files: [],
      note: 'nothing collected: the command did not return to its shell',
    });
  });
});
