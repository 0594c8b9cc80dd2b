import { describe, expect, it } from 'vitest';
import { OutputTailBuffer } from '../../src/util/output-tail.js';

describe('OutputTailBuffer', () => {
  it('keeps everything under the limit', () => {
    const tail = new OutputTailBuffer(100);
    tail.push(Buffer.from('hello '));
    tail.push(Buffer.from('world'));
    expect(tail.toTail()).toEqual({ text: 'hello world', totalBytes: 11, truncatedBytes: 0 });
  });

  it('keeps only the last bytes of a long stream and counts what it cut', () => {
    const tail = new OutputTailBuffer(1000);
    for (let i = 0; i < 10_000; i++) tail.push(Buffer.from(`line ${i}\n`));
    const result = tail.toTail();
    expect(result.text.length).toBeLessThanOrEqual(1000);
    expect(result.text.endsWith('line 9999\n')).toBe(true);
    expect(result.totalBytes - result.truncatedBytes).toBe(Buffer.byteLength(result.text));
  });

  it('never starts the tail inside a multi-byte character', () => {
    const tail = new OutputTailBuffer(5);
    tail.push(Buffer.from('ééééé'));
    expect(tail.toTail().text).not.toContain('\uFFFD');
    expect(tail.toTail().text).toBe('éé');
  });
});
