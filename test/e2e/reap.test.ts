import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { CliProcess, runCli, startServerProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-reap-');
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const runNetworks = () =>
  docker('network', 'ls', '--format', '{{.Name}}', '--filter', 'label=io.baleen.managed=true')
    .split('\n')
    .filter(Boolean);

describe('--stop-grace', () => {
  it("gives a timed-out container that long between SIGTERM and SIGKILL (the engine's StopTimeout)", async () => {
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--command',
        'trap "" TERM; while :; do sleep 1; done',
        '--timeout',
        '2s',
        '--stop-grace',
        '3s',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE },
    );
    await vi.waitFor(() => expect(baleenContainers()).toHaveLength(1), { timeout: 30_000, interval: 100 });
    expect(docker('inspect', '--format', '{{.Config.StopTimeout}}', baleenContainers()[0]!)).toBe('3');
    const result = await client.done;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/timed out after 2/);
  });

  it('is refused in one line when it is not a duration', async () => {
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--stop-grace', 'soon'],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--stop-grace.*expected a duration such as 30s, or 0/);
  });
});

describe('baleen reap', () => {
  it('lists and removes what a dead server left (containers and its run network), chosen by server id and age', async () => {
    const server = await startServerProcess({ cwd: scratch.dir });
    const client = new CliProcess(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--command',
        'exec sleep 600',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE },
    );
    await vi.waitFor(() => expect(baleenContainers()).toHaveLength(1), { timeout: 30_000, interval: 200 });
    await server.process.stop('SIGKILL');
    await client.stop('SIGKILL');
    const [container] = baleenContainers();
    const serverId = docker('inspect', '--format', '{{index .Config.Labels "io.baleen.server-id"}}', container!);
    const runId = docker('inspect', '--format', '{{index .Config.Labels "io.baleen.run-id"}}', container!);
    expect(runNetworks()).toEqual([`baleen-run-${runId}`]);

    const otherServer = await runCli(['reap', '--server-id', 'some-other-server'], { cwd: scratch.dir });
    expect(otherServer.stdout).toBe('removed 0 containers and 0 networks\n');
    const tooYoung = await runCli(['reap', '--older-than', '1h'], { cwd: scratch.dir });
    expect(tooYoung.stdout).toBe('removed 0 containers and 0 networks\n');

    const dry = await runCli(['reap', '--server-id', serverId, '--dry-run'], { cwd: scratch.dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `would remove container ${container!.slice(0, 12)} (run ${runId}, server ${serverId}, owner `,
    );
    expect(dry.stdout).toContain(`would remove network baleen-run-${runId} (run ${runId}`);
    expect(dry.stdout).toMatch(/dry run: 1 container and 1 network would be removed\n$/);
    expect(baleenContainers()).toEqual([container]);

    const real = await runCli(['reap', '--server-id', serverId], { cwd: scratch.dir });
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/removing container .*\nremoving network .*\nremoved 1 container and 1 network\n$/);
    expect(baleenContainers()).toEqual([]);
    expect(runNetworks()).toEqual([]);
  });
});
