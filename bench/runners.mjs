// The four ways to run a suite that the benchmark compares, each timed the same way.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import Docker from 'dockerode';
import pLimit from 'p-limit';
import { featureScript } from '../dist/attempt/feature-script.js';
import { createReportChannel } from '../dist/attempt/report-channel.js';
import { DEFAULT_COMMAND, DEFAULT_REPORT_PATH } from '../dist/domain/run-spec.js';

const BALEEN = new URL('../bin/baleen.js', import.meta.url).pathname;

/** 1. What a user writes by hand: xargs -P N docker run --rm. */
export async function xargsDockerRun({ image, files, concurrency, cwd }) {
  const list = files.map((f) => `${f}\0`).join('');
  await run(
    'sh',
    [
      '-c',
      `xargs -0 -P ${concurrency} -I{} docker run --rm ${image} cucumber-js {} --format json:/tmp/r.json >/dev/null 2>&1`,
    ],
    { cwd, input: list, okCodes: [0, 123] },
  );
  return {};
}

/** 2. The engine's own ceiling: create, attach, start, wait, remove with p-limit N, nothing else. */
export async function dockerodeLoop({ image, files, concurrency }) {
  const docker = new Docker();
  const limit = pLimit(concurrency);
  await Promise.all(
    files.map((file) =>
      limit(async () => {
        const container = await docker.createContainer({
          Image: image,
          Cmd: ['sh', '-c', `cucumber-js '${file}' --format json:/tmp/r.json`],
        });
        const stream = await container.attach({ stream: true, stdout: true, stderr: true });
        stream.resume();
        const ended = new Promise((resolve) => stream.on('end', resolve));
        await container.start();
        await ended;
        await container.wait();
        await container.remove({ force: true });
      }),
    ),
  );
  return {};
}

/**
 * 2b. The bare engine loop running the very containers baleen runs, in the order given: the same script
 * (baleen's command and report trailer: `featureScript`), environment, security options and a network of the
 * run's own, made first and removed last, as baleen does; create, attach, start, wait for the output's end,
 * wait, remove under p-limit N, and nothing else (no report read, no result). `jobs`: each a feature path, or
 * `{ file, line }` for a scenario. Returns each container's phases (ms), for a side-by-side with baleen's.
 */
export async function sameContainersLoop({ image, jobs, concurrency }) {
  const docker = new Docker();
  const network = `baleen-bench-loop-${process.pid}-${Date.now()}`;
  const limit = pLimit(concurrency);
  const phases = [];
  const timed = async (record, phase, work) => {
    const at = Date.now();
    const result = await work();
    record[phase] = Date.now() - at;
    return result;
  };
  await docker.createNetwork({ Name: network, Driver: 'bridge', CheckDuplicate: true });
  try {
    await Promise.all(
      jobs.map((job) =>
        limit(async () => {
          const { file, line } = typeof job === 'string' ? { file: job } : job;
          const record = {};
          const container = await timed(record, 'create', () =>
            docker.createContainer({
              Image: image,
              Cmd: ['sh', '-c', sameScript(file, line)],
              Entrypoint: [],
              Env: [`BALEEN_FEATURE=${file}`, 'BALEEN_ATTEMPT=1', ...(line ? [`BALEEN_LINE=${line}`] : [])],
              AttachStdout: true,
              AttachStderr: true,
              HostConfig: { NetworkMode: network, CapDrop: ['NET_RAW'], SecurityOpt: ['no-new-privileges'] },
            }),
          );
          const stream = await timed(record, 'attach', () =>
            container.attach({ stream: true, stdout: true, stderr: true, logs: true }),
          );
          stream.resume();
          const ended = new Promise((resolve) => stream.on('end', resolve));
          await timed(record, 'start', () => container.start());
          await timed(record, 'run', () => ended);
          await timed(record, 'exit', () => container.wait());
          await timed(record, 'remove', () => container.remove({ force: true }));
          phases.push(record);
        }),
      ),
    );
  } finally {
    await docker.getNetwork(network).remove();
  }
  return { phases };
}

/** The script baleen's container runs for a feature (or a scenario of it), from baleen's own build. */
export function sameScript(file, line) {
  const channel = createReportChannel('0'.repeat(24), 1 << 28);
  return featureScript({
    command: DEFAULT_COMMAND,
    files: [file],
    ...(line === undefined ? {} : { line }),
    reportPath: DEFAULT_REPORT_PATH,
    trailer: channel.trailer(DEFAULT_REPORT_PATH, []),
  });
}

/** 3. No isolation: cucumber-js --parallel N on the host; `okCodes: [0]` where every scenario must pass. */
export async function cucumberParallel({ files, concurrency, cwd, cucumberBin, okCodes = [0, 1] }) {
  await run(process.execPath, [cucumberBin, '--parallel', String(concurrency), ...files], { cwd, okCodes });
  return {};
}

/**
 * 4. baleen, through a separate server process so that the server's and client's memory are measured apart;
 * `runtime: 'swarm'` runs the same on the engine's swarm; `extra`: more options (`--batch auto`); past
 * `deadlineMs` the client gets a Ctrl-C (SIGINT), as a user would give it, and the run counts as cut short.
 */
export async function baleen({
  image,
  files,
  concurrency,
  cwd,
  timings,
  reportDir,
  runtime = 'docker',
  extra = [],
  deadlineMs,
}) {
  // The server's --capacity defaults to its CPU count: here it is the run's concurrency, as the baselines get.
  const server = spawn(
    process.execPath,
    [BALEEN, 'server', '--port', '0', '--runtime', runtime, '--capacity', String(concurrency)],
    { cwd, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (ws:\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    server.on('exit', () => reject(new Error('baleen server exited')));
  });
  const serverPeak = watchPeakMemory(server.pid);
  const args = [
    'cucumber',
    '--server',
    url,
    '--image',
    image,
    '--files',
    ...files,
    '--concurrency',
    String(concurrency),
    '--quiet',
    '--timings',
    timings,
    '--report-dir',
    reportDir,
    ...extra,
  ];
  const client = spawn(process.execPath, [BALEEN, ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const clientPeak = watchPeakMemory(client.pid);
  let cutShort = false;
  const deadline =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          cutShort = true;
          client.kill('SIGINT');
        }, deadlineMs);
  const code = await new Promise((resolve) => client.on('exit', resolve));
  clearTimeout(deadline);
  const serverMb = serverPeak.stop();
  // Stopped whatever the client's exit: a failed run must not leave its server running after the bench.
  const serverExited =
    server.exitCode !== null || server.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  await serverExited;
  // 130: baleen's exit code after a Ctrl-C, expected only when the deadline gave it.
  if (code !== 0 && code !== 1 && !(cutShort && code === 130)) throw new Error(`baleen exited ${code}`);
  const summary = JSON.parse(await readFile(`${reportDir}/summary.json`, 'utf8'));
  return { serverMb, clientMb: clientPeak.stop(), expectedMs: summary.expectedDurationMs, cutShort, code };
}

/** A process's peak resident memory (VmHWM, which only grows), read until it exits. */
function watchPeakMemory(pid) {
  let peakKb = 0;
  const read = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited
    }
  };
  const timer = setInterval(read, 50);
  void read();
  return {
    stop() {
      clearInterval(timer);
      return Math.round(peakKb / 1024);
    },
  };
}

function run(command, args, { cwd, input, okCodes = [0] }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'inherit'] });
    if (input) child.stdin.end(input);
    child.on('exit', (code) => (okCodes.includes(code) ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}
