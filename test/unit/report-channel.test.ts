import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReportChannel } from '../../src/attempt/report-channel.js';

const dir = mkdtempSync(join(tmpdir(), 'baleen-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `userScript` then the trailer in a real shell; returns its raw stderr and exit code. */
function runWithTrailer(userScript: string, trailer: string): { stderr: Buffer; code: number } {
  try {
    // Swap stdout and stderr so that the test reads the script's stderr as execFileSync's output.
    const stderr = execFileSync('sh', ['-c', `{\n${userScript}\n${trailer}\n} 3>&1 1>&2 2>&3`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { stderr, code: 0 };
  } catch (error) {
    const e = error as { status: number; stdout: Buffer };
    return { stderr: e.stdout, code: e.status };
  }
}

/** Feeds bytes to the channel in pieces of the given sizes, cycling. */
function feed(channel: ReturnType<typeof createReportChannel>, bytes: Buffer, sizes: number[]): Buffer {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(channel.filter(bytes.subarray(at, at + size)));
    at += size;
  }
  out.push(channel.flush());
  return Buffer.concat(out);
}

describe('report channel', () => {
  const report = JSON.stringify([{ name: 'F', elements: [{ name: 'ünïcode\nname' }] }], null, 2);
  const reportPath = join(dir, 'report.json');
  writeFileSync(reportPath, report);

  it.each([[[1]], [[3, 7, 1]], [[64]], [[100_000]]])(
    'takes the report out of stderr and keeps the exit code (chunks %j)',
    (sizes) => {
      const channel = createReportChannel('n0nce', 1 << 20);
      const { stderr, code } = runWithTrailer(
        `printf 'warning: one\\nlast line without newline' >&2; sh -c 'exit 3'`,
        channel.trailer(reportPath),
      );
      expect(code).toBe(3);
      expect(feed(channel, stderr, sizes).toString()).toBe('warning: one\nlast line without newline');
      expect(channel.report()?.toString()).toBe(report);
    },
  );

  it("says nothing and passes everything when no report was written, even a last line that looks like a marker's start", () => {
    const channel = createReportChannel('n0nce', 1 << 20);
    const { stderr } = runWithTrailer(
      `echo 'Parse error' >&2; printf 'baleen-rep' >&2; false`,
      channel.trailer(join(dir, 'missing.json')),
    );
    expect(feed(channel, stderr, [5]).toString()).toBe('Parse error\nbaleen-rep');
    expect(channel.report()).toBeUndefined();
  });

  it('ignores markers of another nonce, and refuses a report over the limit', () => {
    const other = createReportChannel('other', 1 << 20);
    const { stderr } = runWithTrailer('true', other.trailer(reportPath));
    const channel = createReportChannel('n0nce', 1 << 20);
    expect(feed(channel, stderr, [9]).toString()).toContain('baleen-report-other-begin');
    expect(channel.report()).toBeUndefined();

    const small = createReportChannel('n0nce', 10);
    feed(small, runWithTrailer('true', small.trailer(reportPath)).stderr, [50]);
    expect(small.overflow).toBe(true);
    expect(small.report()).toBeUndefined();
  });
});
