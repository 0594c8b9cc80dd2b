import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { extractArtifacts } from '../../src/artifacts/extract-artifacts.js';

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

describe('extractArtifacts', () => {
  it('keeps regular files by path, leaves out links and paths that leave the folder, and says so', async () => {
    const tar = await archive([
      { name: './shots/a.png', data: Buffer.from([0, 255]) },
      { name: 'shots/link', type: 'symlink', linkname: '/etc/passwd' },
      { name: '../escape.txt', data: 'x' },
    ]);
    const result = await extractArtifacts(base64(tar), 1 << 20, ['shots/']);
    expect(result.files).toEqual([{ path: 'shots/a.png', data: Buffer.from([0, 255]).toString('base64') }]);
    expect(result.note).toBe('left out 1 file whose path leaves the folder: ../escape.txt');
  });

  it('keeps the whole files before the cap and names the cut; an empty archive is nothing found', async () => {
    const tar = await archive([
      { name: 'one.txt', data: 'one' },
      { name: 'big.bin', data: Buffer.alloc(10_000) },
    ]);
    const cut = await extractArtifacts(base64(tar.subarray(0, 4001)), 4000, ['one.txt', 'big.bin']);
    expect(cut.files.map((file) => file.path)).toEqual(['one.txt']);
    expect(cut.note).toBe('cut at 4000 bytes (--collect-max): 1 whole file kept, the rest was not collected');
    expect(await extractArtifacts(Buffer.alloc(0), 4000, ['shots/'])).toEqual({
      files: [],
      note: 'nothing found under shots/',
    });
  });
});
