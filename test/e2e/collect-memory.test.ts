import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BALEEN_BIN, CliProcess, useStoringServer } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';

// Issue 19, item 4: six features each collecting a 30 MB file through a --data-dir server took the server to
// 1.32 GB and the client to 1.2 GB: every result's files waited in memory, in base64, until the run ended.
const scratch = useScratch('baleen-collect-memory-');
const token = 'collect-memory-token-0123456789';
const server = useStoringServer(scratch, token);
const FILE_BYTES = 30 * 1024 * 1024;
const FEATURES = [
  'features/pass.feature',
  'features/fail.feature',
  'features/env.feature',
  'features/before.feature',
  'features/with space.feature',
  'features/café ünïcode.feature',
];

/** A process's peak resident memory so far (VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

/** Prints the process's peak resident memory (KiB, as getrusage counts it) as it exits. */
const REPORT_PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kib '+process.resourceUsage().maxRSS+'\\n'))`;

describe('collected files stream to disk (issue 19, item 4)', () => {
  it('six features each collecting a 30 MB file: server and client stay under 250 MB, every file whole on both sides', async () => {
    const reportDir = scratch.reportDir();
    const args = [
      'cucumber',
      '--server',
      server.url,
      '--image',
      TEST_IMAGE,
      '--files',
      ...FEATURES,
      '--concurrency',
      '6',
      '--before-command',
      `head -c ${FILE_BYTES} /dev/urandom > big.bin`,
      '--collect',
      'big.bin',
      '--collect-max',
      '40m',
      '--report-dir',
      reportDir,
      '--timings',
      join(tmpdir(), `baleen-test-timings-${process.pid}.json`),
    ];
    const client = new CliProcess(args, {
      cwd: FIXTURE_SUITE,
      env: { BALEEN_TOKEN: token },
      node: ['--import', REPORT_PEAK, BALEEN_BIN, ...args],
    });
    const result = await client.done;
    const summary = await summaryOf(reportDir);
    expect(
      summary.features.map((feature) => feature.artifacts?.files),
      result.stderr,
    ).toEqual(FEATURES.map(() => 1));
    const stored = join(scratch.path('data'), 'runs', summary.runId);
    for (const feature of FEATURES) {
      expect((await stat(join(reportDir, 'artifacts', feature, 'big.bin'))).size).toBe(FILE_BYTES);
      expect((await stat(join(stored, 'artifacts', feature, 'big.bin'))).size).toBe(FILE_BYTES);
    }
    const clientPeak = Number(/peak-rss-kib (\d+)/.exec(result.stderr)![1]) / 1024;
    const serverPeak = await peakRssMb(server.process.child.pid!);
    console.log(
      `peak RSS with 6 × 30 MB collected: server ${serverPeak.toFixed(1)} MB, client ${clientPeak.toFixed(1)} MB`,
    );
    expect(serverPeak).toBeLessThan(250);
    expect(clientPeak).toBeLessThan(250);
  }, 600_000);
});
