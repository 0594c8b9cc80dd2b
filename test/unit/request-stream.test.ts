import { describe, expect, it } from 'vitest';
import { RequestStream } from '../../src/worker/request-stream.js';

function stream(own?: (line: string) => boolean) {
  let seen = '';
  const request = new RequestStream(/baleen-worker-abc-exit (\d+)$/, (chunk) => (seen += chunk.toString()), own);
  return { request, seen: () => seen };
}

describe('RequestStream', () => {
  it("passes the user's lines on and stops at its end line, even split across chunks", () => {
    const { request, seen } = stream();
    for (const chunk of ['one\ntw', 'o\nbaleen-wor', 'ker-abc-ex', "it 1\nnext request's"])
      request.push(Buffer.from(chunk));
    expect(seen()).toBe('one\ntwo\n');
    expect(request.ended?.[1]).toBe('1');
    expect(request.after).toBe("next request's");
  });

  it('finds the end line after output that did not end its line', () => {
    const { request, seen } = stream();
    request.push(Buffer.from('no newline baleen-worker-abc-exit 0\n'));
    expect(seen()).toBe('no newline ');
    expect(request.ended?.[1]).toBe('0');
  });

  it("keeps a character whose bytes are split across chunks whole, and drops the worker's own lines", () => {
    const { request, seen } = stream((line) => line === 'baleen-worker-ready');
    const bytes = Buffer.from('café\nbaleen-worker-ready\n');
    request.push(bytes.subarray(0, 4));
    request.push(bytes.subarray(4));
    expect(seen()).toBe('café\n');
  });

  it('gives what it held back to the user when the worker ends without the end line', () => {
    const { request, seen } = stream();
    request.push(Buffer.from('dying on purpose'));
    expect(seen()).toBe('');
    request.flush();
    expect(seen()).toBe('dying on purpose');
    expect(request.ended).toBeUndefined();
  });
});
