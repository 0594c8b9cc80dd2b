import { execFileSync } from 'node:child_process';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { startServer, type RunningServer } from '../../src/server/baleen-server.js';
import { createLogger } from '../../src/server/logger.js';
import { TEST_IMAGE, baleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

useScratch('baleen-network-');
const SHARED = 'baleen-test-shared-net';
const SERVICE = 'baleen-test-shared-service';
let server: RunningServer;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const runNetworks = () =>
  docker('network', 'ls', '-q', '--filter', 'label=io.baleen.managed=true').split('\n').filter(Boolean);
/** An HTTP service that answers its secret: busybox httpd serving one file. */
const serve = (secret: string) =>
  `mkdir -p /tmp/www && echo ${secret} > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www`;

beforeAll(async () => {
  docker('network', 'create', SHARED);
  docker(
    'run',
    '-d',
    '--rm',
    '--name',
    SERVICE,
    '--network',
    SHARED,
    '--entrypoint',
    'sh',
    TEST_IMAGE,
    '-c',
    serve('secret-of-the-shared-service'),
  );
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    runtime: new DockerRuntime(),
    logger: createLogger('silent'),
    allowNetworks: [SHARED],
  });
});
afterAll(async () => {
  await server.close();
  docker('rm', '-f', SERVICE);
  docker('network', 'rm', SHARED);
});

interface RawRun {
  runId: Promise<string>;
  /** Everything each feature printed on stdout, by file. */
  output: Map<string, string>;
  /** Resolves with a feature's exit code once its result arrives. */
  exitOf(file: string): Promise<number | null>;
  error: Promise<{ code: string; message: string }>;
  finished: Promise<string>;
  cancel(): void;
}

/** A run over the raw protocol, so that the test sees each feature's own output and can cancel when it likes. */
async function submit(spec: Record<string, unknown>): Promise<RawRun> {
  const socket = new WebSocket(server.url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const output = new Map<string, string>();
  const exits = new Map<string, (code: number | null) => void>();
  const exitPromises = new Map<string, Promise<number | null>>();
  const exitOf = (file: string) => {
    if (!exitPromises.has(file)) exitPromises.set(file, new Promise((resolve) => exits.set(file, resolve)));
    return exitPromises.get(file)!;
  };
  let id = '';
  let resolveRunId!: (id: string) => void;
  let resolveError!: (error: { code: string; message: string }) => void;
  let resolveFinished!: (status: string) => void;
  const runId = new Promise<string>((resolve) => (resolveRunId = resolve));
  const error = new Promise<{ code: string; message: string }>((resolve) => (resolveError = resolve));
  const finished = new Promise<string>((resolve) => (resolveFinished = resolve));
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown> & { type: string };
    if (message.type === 'run.accepted') resolveRunId((id = message.runId as string));
    if (message.type === 'feature.output' && message.stream === 'stdout')
      output.set(message.file as string, (output.get(message.file as string) ?? '') + (message.data as string));
    if (message.type === 'feature.result') {
      const result = message.result as { file: string; exitCode: number | null };
      exitOf(result.file);
      exits.get(result.file)!(result.exitCode);
    }
    if (message.type === 'error') resolveError(message as unknown as { code: string; message: string });
    if (message.type === 'run.finished') {
      resolveFinished(message.status as string);
      socket.close();
    }
  });
  socket.send(
    JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.submit', requestId: 'net', spec: { image: TEST_IMAGE, ...spec } }),
  );
  return {
    runId,
    output,
    exitOf,
    error,
    finished,
    cancel: () => socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.cancel', runId: id })),
  };
}

/** Asks the service at each given address (busybox nc; its wget crashes here) for up to ~15 s; exits 0 at the first answer. */
const fetchFrom = (addresses: string, tries = 50) =>
  `for i in $(seq 1 ${tries}); do for a in ${addresses}; do if printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 "$a" 8080; then exit 0; fi; done; sleep 0.2; done; exit 1`;

describe('each run on a network of its own', () => {
  it("a service in run A answers run A's other container, and run B cannot reach it", {
    tags: ['podman'],
  }, async () => {
    // Run A: one feature serves a secret, the other looks for it on its own network's first addresses (a fresh
    // bridge gives .2, .3 … in order) and prints it.
    const findNeighbour = `me=$(hostname -i); net=\${me%.*}; ${fetchFrom('$(for h in 2 3 4; do [ "$net.$h" = "$me" ] || echo "$net.$h"; done)')}`;
    const runA = await submit({
      features: ['features/pass.feature', 'features/fail.feature'],
      concurrency: 2,
      command: `case "$BALEEN_FEATURE" in *pass.feature) ${serve('secret-of-run-a')} ;; *) ${findNeighbour} ;; esac`,
    });
    const idA = await runA.runId;
    expect(await runA.exitOf('features/fail.feature'), JSON.stringify([...runA.output])).toBe(0);
    expect(runA.output.get('features/fail.feature')).toContain('secret-of-run-a');

    // The service runs on run A's network, and only there; with NET_RAW dropped and no new privileges.
    const [serviceId] = docker('ps', '-q', '--filter', `label=io.baleen.run-id=${idA}`).split('\n');
    const inspected = JSON.parse(docker('inspect', serviceId!)) as [
      {
        NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
        HostConfig: { CapDrop: string[]; SecurityOpt: string[] };
      },
    ];
    const networks = inspected[0].NetworkSettings.Networks;
    expect(Object.keys(networks)).toEqual([`baleen-run-${idA}`]);
    expect(inspected[0].HostConfig.CapDrop).toContain('NET_RAW');
    expect(inspected[0].HostConfig.SecurityOpt).toContain('no-new-privileges');
    const address = networks[`baleen-run-${idA}`]!.IPAddress;

    // Run B knows the address and still gets nothing.
    const runB = await submit({ features: ['features/pass.feature'], concurrency: 1, command: fetchFrom(address, 3) });
    const idB = await runB.runId;
    expect(await runB.exitOf('features/pass.feature')).toBe(1);
    expect(runB.output.get('features/pass.feature') ?? '').not.toContain('secret-of-run-a');
    expect(await runB.finished).toBe('failed');
    expect(docker('network', 'ls', '-q', '--filter', `name=baleen-run-${idB}`)).toBe('');

    runA.cancel();
    expect(await runA.finished).toBe('interrupted');
    // The run's network went with it.
    expect(docker('network', 'ls', '-q', '--filter', `name=baleen-run-${idA}`)).toBe('');
    expect(runNetworks()).toEqual([]);
    expect(baleenContainers()).toEqual([]);
  });

  it('--network NAME joins an existing network the server allows (its services by name); none cuts every connection', async () => {
    const shared = await submit({
      features: ['features/pass.feature'],
      concurrency: 1,
      network: SHARED,
      command: fetchFrom(SERVICE),
    });
    expect(await shared.exitOf('features/pass.feature'), JSON.stringify([...shared.output])).toBe(0);
    expect(shared.output.get('features/pass.feature')).toContain('secret-of-the-shared-service');
    await shared.finished;

    const cut = await submit({
      features: ['features/pass.feature'],
      concurrency: 1,
      network: 'none',
      command: `ls /sys/class/net; ${fetchFrom('172.17.0.1', 2)}`,
    });
    expect(await cut.exitOf('features/pass.feature')).toBe(1);
    expect(cut.output.get('features/pass.feature')?.split('\n')[0]).toBe('lo');
    await cut.finished;
    expect(runNetworks()).toEqual([]);
  });

  it("refuses the host's network, another run's, and one the server does not allow, before any container", async () => {
    for (const [network, reason] of [
      ['host', /network "host" may not be joined: it is the host's own network stack/],
      ['baleen-run-1234', /it is another run's/],
      [
        'bridge',
        /network "bridge" is not allowed on this server: it allows baleen-test-shared-net \(its --allow-network\)/,
      ],
    ] as const) {
      const refused = await submit({ features: ['features/pass.feature'], concurrency: 1, network });
      const error = await refused.error;
      expect(error.code).toBe('RUN_REJECTED');
      expect(`${error.message}: ${(error as { hint?: string }).hint}`).toMatch(reason);
    }
    expect(baleenContainers()).toEqual([]);
  });
});
