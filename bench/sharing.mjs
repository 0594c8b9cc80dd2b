// npm run bench:sharing: two runs sharing one `baleen server --capacity 4`. A big run (24 features of 3 s)
// holds every slot; a small run (2 features of 3 s) is submitted then. Prints the small run's wait for its
// first container, from the server accepting it, against one feature's time (a container's run, start to
// exit, in the big run): fair sharing makes it start at the next free slot, so the ratio stays below 1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeSuite } from './suites.mjs';

const BALEEN = new URL('../bin/baleen.js', import.meta.url).pathname;
const repo = new URL('..', import.meta.url).pathname;
const suite = {
  name: 'sharing',
  features: [
    ...Array.from({ length: 24 }, (_, i) => [`big${String(i).padStart(2, '0')}.feature`, 3000]),
    ['small0.feature', 3000],
    ['small1.feature', 3000],
  ],
};

const scratch = await mkdtemp(join(tmpdir(), 'baleen-bench-sharing-'));
const events = [];
const watcher = spawn('docker', [
  'events',
  '--filter',
  'label=io.baleen.managed=true',
  '--filter',
  'event=start',
  '--filter',
  'event=die',
  '--format',
  '{{json .}}',
]);
createInterface({ input: watcher.stdout }).on('line', (line) => {
  const event = JSON.parse(line);
  events.push({ action: event.Action, feature: event.Actor.Attributes['io.baleen.feature'], at: event.timeNano / 1e6 });
});
try {
  const { dir, files } = await writeSuite(scratch, suite);
  execFileSync('bash', [join(repo, 'docker/build-images.sh'), '--suite', dir, '--tag', 'baleen-bench-sharing'], {
    stdio: 'ignore',
  });
  const server = spawn(process.execPath, [BALEEN, 'server', '--port', '0', '--capacity', '4'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  const url = await new Promise((resolve) =>
    server.stdout.on('data', (chunk) => {
      const match = /listening on (ws:\S+)/.exec(String(chunk));
      if (match) resolve(match[1]);
    }),
  );
  const run = (features, name) => {
    const client = spawn(
      process.execPath,
      [
        BALEEN,
        'cucumber',
        '--server',
        url,
        '--image',
        'baleen-bench-sharing',
        '--concurrency',
        '4',
        '--quiet',
        '--timings',
        join(scratch, `${name}-timings.json`),
        '--report-dir',
        join(scratch, name),
        '--files',
        ...features,
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    return new Promise((resolve) => client.on('exit', resolve));
  };
  const big = run(
    files.filter((f) => f.includes('/big')),
    'big',
  );
  while (events.filter((e) => e.action === 'start').length < 4)
    await new Promise((resolve) => setTimeout(resolve, 100));
  const small = run(
    files.filter((f) => f.includes('/small')),
    'small',
  );
  await Promise.all([big, small]);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.on('exit', resolve));

  const accepted = log
    .split('\n')
    .filter((l) => l.includes('"run accepted"'))
    .map((l) => JSON.parse(l));
  const smallAcceptedAt = accepted.find((l) => l.features === 2).time;
  const smallStart = events.find((e) => e.action === 'start' && e.feature.includes('/small')).at;
  const runs = events
    .filter((e) => e.action === 'start' && e.feature.includes('/big'))
    .map(
      (start) =>
        events.find((e) => e.action === 'die' && e.feature === start.feature && e.at >= start.at).at - start.at,
    )
    .sort((a, b) => a - b);
  const featureMs = runs[Math.floor(runs.length / 2)];
  const waitMs = smallStart - smallAcceptedAt;
  const firstFreed = events.find((e) => e.action === 'die' && e.at >= smallAcceptedAt).at;
  const bigStartedMeanwhile = events.filter(
    (e) => e.action === 'start' && e.feature.includes('/big') && e.at > smallAcceptedAt && e.at < smallStart,
  ).length;
  console.log('\n| two runs on one server, --capacity 4 | |');
  console.log('| --- | --- |');
  console.log(
    `| small run's wait for its first container (server accepting it → its container running) | ${Math.round(waitMs)} ms |`,
  );
  console.log(
    `| … of which waiting for the first slot to free (a big-run container exiting) | ${Math.round(firstFreed - smallAcceptedAt)} ms |`,
  );
  console.log(`| … of which creating and starting its container | ${Math.round(smallStart - firstFreed)} ms |`);
  console.log(`| big-run containers started in between | ${bigStartedMeanwhile} |`);
  console.log(`| one feature's time (median container run of the big run) | ${Math.round(featureMs)} ms |`);
  console.log(`| wait ÷ feature time | ${(waitMs / featureMs).toFixed(2)}× |`);
} finally {
  watcher.kill();
  await rm(scratch, { recursive: true, force: true });
}
