import { describe, expect, it } from 'vitest';
import { readableLogLine } from '../../src/server/readable-log.js';

describe("the embedded server's log on a terminal", () => {
  it('is one readable line per entry: level, message, the error, then the fields', () => {
    const line = JSON.stringify({
      level: 50,
      time: 1,
      pid: 7,
      hostname: 'h',
      service: 'baleen-server',
      msg: 'container failed',
      err: { message: 'no such image', stack: 'at x' },
      runId: 'r1',
      file: 'features/a b.feature',
    });
    expect(readableLogLine(line)).toBe(
      'baleen server: error container failed (no such image) runId=r1 file="features/a b.feature"',
    );
  });

  it('keeps a line that is not JSON as text, without its escape sequences', () => {
    expect(readableLogLine('plain \x1b[2Jtext\n')).toBe('plain text');
  });
});
