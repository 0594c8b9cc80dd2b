// npm run bench:goals: issue 22's goals for one container per feature, each as a ratio from one run of this
// script, beside its goal. baleen runs as a user runs it (`baleen cucumber`, its embedded server, every report)
// against the bare engine loop running the same containers in the same order (bench/runners.mjs
// sameContainersLoop: the same script, environment, security options and a network of the run's own), and a
// trivial feature against `docker run` of the same container. Rows and ways run interleaved, round after
// round, each way's median kept; each container's phases, baleen's (results.json) beside the loop's, say where
// any difference goes. The ts-node row runs a suite of TypeScript support code through ts-node every way against
// `cucumber-js --parallel N` on the host. --readme (`npm run bench:readme`) also writes the table into README.md
// between its bench markers and the measures it came from into bench/readme-bench.json.
//   node bench/goals.mjs [--rounds N] [--only trivial|skewed|split|fixed|ts-node] [--readme]
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { median, README_BEGIN, renderGoals, savedMeasures, withReadmeBlock } from './goals-table.mjs';
import { cucumberParallel, sameContainersLoop, sameScript } from './runners.mjs';
import { scenarioLines, writeSuite } from './suites.mjs';

const BALEEN = new URL('../bin/baleen.js', import.meta.url).pathname;
const repo = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rounds = Number(option('--rounds') ?? 3);
const only = option('--only');
// --samples FILE keeps every run's measures; --from FILE prints the tables of such a file again, running nothing.
const samplesFile = option('--samples');
const fromFile = option('--from');
const toReadme = args.includes('--readme');

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
/** The goal rows: issue 22's suites, each against its bare-engine way. */
const ROWS = [
  {
    name: 'trivial',
    what: '24 features of one instant step, concurrency 4',
    features: range(24, (i) => [`t${String(i).padStart(2, '0')}.feature`, 0]),
    concurrency: 4,
    goal: 1.1,
  },
  {
    // The long ones sort last by name: only an order from the history starts them first.
    name: 'skewed',
    what: 'features of 6 s, 3 s and ten of 0.4 s, concurrency 4, with history, vs the loop longest first',
    features: [...range(10, (i) => [`a${i}.feature`, 400]), ['z-long6.feature', 6000], ['z-long3.feature', 3000]],
    concurrency: 4,
    withHistory: true,
    goal: 1.1,
  },
  {
    name: 'split',
    what: 'one feature of six 1.5 s scenarios, --split scenarios, concurrency 6, vs the loop one per scenario',
    features: [['six.feature', 1500, 6]],
    concurrency: 6,
    split: true,
    goal: 1.1,
  },
  {
    name: 'fixed',
    what: 'one trivial feature vs `docker run --rm` of the same container',
    features: [['one.feature', 0]],
    concurrency: 1,
    fixed: true,
    goal: 1.25,
  },
  {
    // What users run: support code that takes seconds to load (TypeScript through ts-node, type-checked) in every
    // isolation mode against cucumber-js --parallel 2 on the host. --split scenarios would only pay the load
    // once more per scenario here, so it has no way in this row (the split row measures it).
    name: 'ts-node',
    what: '4 features of two 100 ms scenarios, TypeScript support code type-checked by ts-node at each load, concurrency 2',
    features: range(4, (i) => [`ts${i}.feature`, 100, 2]),
    concurrency: 2,
    tsNode: true,
    modes: true,
  },
].filter((row) => !only || row.name === only);

if (fromFile) {
  const saved = JSON.parse(await readFile(fromFile, 'utf8'));
  printGoals(saved.rows, new Map(saved.samples), saved.containersLeft, saved.context);
  process.exit(0);
}
const scratch = await mkdtemp(join(tmpdir(), 'baleen-bench-goals-'));
const context = {
  loadAtStart: loadavg(),
  startedAt: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  memoryGb: (totalmem() / 2 ** 30).toFixed(1),
  engine: execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim(),
  node: process.version,
  rounds,
};
try {
  console.log(`baleen goals: ${rounds} interleaved rounds; setting up…`);
  const prepared = [];
  for (const row of ROWS) prepared.push(await prepare(row));
  const samples = new Map(prepared.flatMap((row) => row.ways.map((way) => [way.key, []])));
  for (let round = 0; round < rounds; round++) {
    for (const row of prepared) {
      for (const way of row.ways) {
        const began = process.hrtime.bigint();
        const extra = await way.run(round);
        samples.get(way.key).push({ ms: Number(process.hrtime.bigint() - began) / 1e6, ...extra });
      }
    }
    console.log(`  round ${round + 1} of ${rounds} done (load ${loadavg()[0].toFixed(1)})`);
  }
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], {
    encoding: 'utf8',
  }).trim();
  const containersLeft = left === '' ? 0 : left.split('\n').length;
  Object.assign(context, { endedAt: new Date().toISOString(), loadAtEnd: loadavg() });
  const rows = prepared.map(({ ways, ...row }) => ({ ...row, ways: ways.map(({ run: _run, ...way }) => way) }));
  if (samplesFile)
    await writeFile(samplesFile, JSON.stringify({ rows, samples: [...samples], containersLeft, context }));
  printGoals(rows, samples, containersLeft, context);
  if (toReadme) await writeReadme(savedMeasures(rows, samples, containersLeft, context));
} finally {
  await rm(scratch, { recursive: true, force: true });
}

/** A row's suite image and its ways: baleen and the engine's own, or (a mode row) every mode and the host. */
async function prepare(row) {
  const { dir, files } = await writeSuite(scratch, row);
  const image = `baleen-bench-goal-${row.name}`;
  execFileSync('bash', [join(repo, 'docker/build-images.sh'), '--suite', dir, '--tag', image], { stdio: 'ignore' });
  if (row.modes) return { ...row, ways: modeWays(row, image, dir, files) };
  const history = join(scratch, `${row.name}-history.json`);
  const baleenArgs = row.split ? ['--split', 'scenarios'] : [];
  // With history: one run first, whose timings every measured run starts from (each on its own copy).
  if (row.withHistory) await baleen({ image, files, cwd: dir, row, timings: history, extra: baleenArgs, round: 'h' });
  const byLength = [...row.features].sort((a, b) => b[1] - a[1]).map(([file]) => `features/${file}`);
  const jobs = row.split
    ? scenarioLines(row.features[0][2]).map((line) => ({ file: files[0], line }))
    : row.withHistory
      ? byLength
      : files;
  const engineWay = row.fixed
    ? { key: `${row.name}/engine`, label: '`docker run --rm`', run: () => dockerRun(image, files[0], dir) }
    : {
        key: `${row.name}/engine`,
        label: row.withHistory ? 'bare engine loop, longest first' : 'bare engine loop',
        run: () => sameContainersLoop({ image, jobs, concurrency: row.concurrency }),
      };
  const baleenWay = {
    key: `${row.name}/baleen`,
    label: `baleen${row.split ? ' --split scenarios' : ''}${row.withHistory ? ', with history' : ''}`,
    run: async (round) => {
      const timings = join(scratch, `${row.name}-timings-${round}.json`);
      if (row.withHistory) await cp(history, timings);
      return baleen({ image, files, cwd: dir, row, timings, extra: baleenArgs, round });
    },
  };
  return { ...row, ways: [baleenWay, engineWay] };
}

/**
 * Every isolation mode of a suite against `cucumber-js --parallel N` on the host, the suite's own cucumber-js
 * (as its users run it). Each baleen run starts without history, as a first run does. Batches and warm
 * workers are held to issue 14's goal, within 1.30× of the host.
 */
function modeWays(row, image, dir, files) {
  const cucumberBin = join(dir, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
  const mode = (id, label, extra, goal) => ({
    key: `${row.name}/${id}`,
    label,
    ...(goal === undefined ? {} : { goal }),
    run: (round) => {
      const timings = join(scratch, `${row.name}-${id}-timings-${round}.json`);
      return baleen({ image, files, cwd: dir, row, timings, extra, round: `${id}-${round}` });
    },
  });
  return [
    mode('feature', 'baleen, one container per feature', []),
    mode('batch', 'baleen `--batch auto`', ['--batch', 'auto'], 1.3),
    mode('worker', 'baleen `--isolation worker`', ['--isolation', 'worker'], 1.3),
    {
      key: `${row.name}/host`,
      label: `\`cucumber-js --parallel ${row.concurrency}\` on the host`,
      baseline: true,
      run: () => cucumberParallel({ files, concurrency: row.concurrency, cwd: dir, cucumberBin, okCodes: [0] }),
    },
  ];
}

/** README.md's bench block: this run's table; bench/readme-bench.json: the measures it was rendered from. */
async function writeReadme(measures) {
  const readme = join(repo, 'README.md');
  await writeFile(join(repo, 'bench/readme-bench.json'), `${JSON.stringify(measures, null, 2)}\n`);
  // In the layout the project's formatter keeps (npm run lint checks it).
  execFileSync('npx', ['biome', 'format', '--write', 'bench/readme-bench.json'], { cwd: repo, stdio: 'ignore' });
  await writeFile(readme, withReadmeBlock(await readFile(readme, 'utf8'), renderGoals(measures)));
  console.log(`\nWritten into README.md (${README_BEGIN.slice(0, 18)}…) and bench/readme-bench.json.`);
}

/** `baleen cucumber` as a user runs it: embedded server, every report, and its phases read back. */
async function baleen({ image, files, cwd, row, timings, extra, round }) {
  const reportDir = join(scratch, `${row.name}-report-${round}`);
  const trace = join(scratch, `${row.name}-trace-${round}.json`);
  const code = await exited(
    spawn(
      process.execPath,
      [
        BALEEN,
        'cucumber',
        '--image',
        image,
        '--files',
        ...files,
        '--concurrency',
        String(row.concurrency),
        '--quiet',
        '--timings',
        timings,
        '--report-dir',
        reportDir,
        '--trace',
        trace,
        ...extra,
      ],
      { cwd, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  if (code !== 0) throw new Error(`baleen exited ${code} on the ${row.name} row`);
  const { results } = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8'));
  const attempts = results.flatMap((result) => result.scenarioJobs ?? [result]);
  const phases = attempts.map((attempt) =>
    Object.fromEntries((attempt.phases ?? []).map((phase) => [phase.phase, phase.ms])),
  );
  const { traceEvents } = JSON.parse(await readFile(trace, 'utf8'));
  const client = Object.fromEntries(
    traceEvents.filter((event) => event.pid === 1 && event.ph === 'X').map((event) => [event.name, event.dur / 1000]),
  );
  await rm(reportDir, { recursive: true, force: true });
  return { phases, client };
}

/** The same container by hand: `docker run --rm`, the same script baleen's container runs. */
async function dockerRun(image, file, cwd) {
  const code = await exited(
    // Its stderr carries the report between the trailer's markers, as baleen's containers' does.
    spawn('docker', ['run', '--rm', '--entrypoint', '', image, 'sh', '-c', sameScript(file)], {
      cwd,
      stdio: 'ignore',
    }),
  );
  if (code !== 0) throw new Error(`docker run exited ${code}`);
  return {};
}

function exited(child) {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
}

function printGoals(rows, samples, containersLeft, context) {
  console.log(`\n${renderGoals(savedMeasures(rows, samples, containersLeft, context))}`);
  console.log("\nEach container's phases, median ms over every container of every round (baleen / the loop):");
  const names = ['network', 'create', 'attach', 'ready', 'start', 'run', 'exit', 'collect', 'remove'];
  console.log(`| row | ${names.join(' | ')} |`);
  console.log(`| --- |${names.map(() => ' --- |').join('')}`);
  for (const row of rows.filter((row) => !row.fixed && !row.modes)) {
    const ours = samples.get(`${row.name}/baleen`).flatMap((sample) => sample.phases);
    const theirs = samples.get(`${row.name}/engine`).flatMap((sample) => sample.phases);
    const cell = (list, name) => {
      const value = median(list.map((phases) => phases[name] ?? 0));
      return value === undefined ? '–' : String(Math.round(value));
    };
    console.log(`| ${row.name} | ${names.map((name) => `${cell(ours, name)} / ${cell(theirs, name)}`).join(' | ')} |`);
  }
  console.log("\nbaleen's client, median ms per run:");
  const clientNames = ['load', 'plan', 'server', 'connect', 'accept', 'run', 'reports', 'close'];
  console.log(`| row | ${clientNames.join(' | ')} |`);
  console.log(`| --- |${clientNames.map(() => ' --- |').join('')}`);
  for (const row of rows.filter((row) => !row.modes)) {
    const runs = samples.get(`${row.name}/baleen`);
    console.log(
      `| ${row.name} | ${clientNames.map((name) => Math.round(median(runs.map((run) => run.client[name] ?? 0)))).join(' | ')} |`,
    );
  }
}
