// The fixed cost of a run: one trivial feature through `baleen cucumber` (embedded server, every report)
// against `docker run --rm` of the same container, interleaved, median of N each. Part of npm run bench;
// alone it also compares another build of baleen in the same interleaving (for example main's):
//   node bench/fixed-cost.mjs [--runs N] [--image IMAGE --cwd DIR --file FEATURE] [--against path/to/bin/baleen.js]
// Without --image it runs the repository's own example image (docker/build-images.sh makes it).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BALEEN = new URL('../bin/baleen.js', import.meta.url).pathname;

/** Medians in ms: `docker run`, this baleen and, if given, the other one; the runs interleaved. */
export async function fixedCost({ image, file, cwd, runs = 5, against }) {
  const scratch = await mkdtemp(join(tmpdir(), 'baleen-fixed-'));
  const ways = {
    'docker run': () =>
      time('docker', ['run', '--rm', image, 'sh', '-c', `cucumber-js '${file}' --format json:/tmp/r.json`], cwd),
    baleen: () => time(process.execPath, baleenArgs(BALEEN, scratch, image, file), cwd),
    ...(against
      ? { 'baleen (other build)': () => time(process.execPath, baleenArgs(against, scratch, image, file), cwd) }
      : {}),
  };
  const samples = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
  try {
    for (let i = 0; i < runs; i++) for (const [name, way] of Object.entries(ways)) samples[name].push(await way());
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, median(list)]));
}

function baleenArgs(bin, scratch, image, file) {
  // A fresh history each time: the first run of a suite, as a one-feature CI job would be.
  return [
    bin,
    'cucumber',
    '--image',
    image,
    '--files',
    file,
    '--quiet',
    '--concurrency',
    '1',
    '--report-dir',
    join(scratch, 'report'),
    '--timings',
    join(scratch, `t${Math.random()}.json`),
  ];
}

function time(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

export function printFixedCost(medians, runs) {
  const docker = medians['docker run'];
  console.log(`\nFixed cost, one trivial feature (median of ${runs}, interleaved):`);
  console.log('| way | wall | ÷ docker run |');
  console.log('| --- | --- | --- |');
  for (const [name, ms] of Object.entries(medians))
    console.log(`| ${name} | ${(ms / 1000).toFixed(2)}s | ${(ms / docker).toFixed(2)}× |`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const runs = Number(option('--runs') ?? 5);
  const repo = new URL('..', import.meta.url).pathname;
  const medians = await fixedCost({
    image: option('--image') ?? 'baleen-example',
    cwd: option('--cwd') ?? repo,
    file: option('--file') ?? 'features/greeting.feature',
    runs,
    against: option('--against'),
  });
  printFixedCost(medians, runs);
}
