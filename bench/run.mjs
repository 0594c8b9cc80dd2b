// npm run bench: baleen against the baselines on the same suites, the same engine, in one process.
// Prints wall times, ratios against each baseline, containers a second and baleen's peak memory.
//   node bench/run.mjs [--quick] [--concurrency N] [--rounds N] [--only trivial|skewed|large|slow-support|split|fixed-cost] [--swarm]
// --swarm also runs baleen on a one-node swarm of the same engine (made for the bench, left afterwards).
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedCost, printFixedCost } from './fixed-cost.mjs';
import { baleen, cucumberParallel, dockerodeLoop, xargsDockerRun } from './runners.mjs';
import { scenarioLines, suites, writeSuite } from './suites.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const concurrency = Number(args[args.indexOf('--concurrency') + 1]) || 4;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const withSwarm = args.includes('--swarm');
// The suites' ways run interleaved this many times, each way's median kept; the slow-support and split
// suites 3 times (once with --quick) unless --rounds says.
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 1;
const modeRounds = args.includes('--rounds') ? rounds : quick ? 1 : 3;
const repo = new URL('..', import.meta.url).pathname;

const scratch = await mkdtemp(join(tmpdir(), 'baleen-bench-'));
const leaveSwarm = withSwarm ? joinSwarm() : () => undefined;
try {
  console.log(`baleen benchmark: concurrency ${concurrency}${quick ? ', quick' : ''}; setting up…`);
  // cucumber-js 12 on the host too, for the no-isolation baseline: the same lock file as the runner image.
  await cp(join(repo, 'docker/cucumber-runner/package.json'), join(scratch, 'package.json'));
  await cp(join(repo, 'docker/cucumber-runner/package-lock.json'), join(scratch, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: scratch,
    stdio: 'ignore',
  });
  const cucumberBin = join(scratch, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

  const rows = [];
  const modeRows = [];
  const splitRows = [];
  let fixedCostSuite;
  for (const suite of suites({ quick }).filter(
    (s) => !only || s.name === only || (only === 'fixed-cost' && s.name === 'trivial'),
  )) {
    const { dir, files } = await writeSuite(scratch, suite);
    const image = `baleen-bench-${suite.name}`;
    execFileSync('bash', [join(repo, 'docker/build-images.sh'), '--suite', dir, '--tag', image], { stdio: 'ignore' });
    const context = {
      image,
      files,
      concurrency: suite.concurrency ?? concurrency,
      cwd: dir,
      cucumberBin,
      timings: join(scratch, `${suite.name}-timings.json`),
    };
    // One trivial feature: a feature of another suite would add its own work (the slow-support one, 2 s) to both.
    if (suite.name === 'trivial') fixedCostSuite = { image, cwd: dir, file: files[0] };
    if (only === 'fixed-cost') break;
    if (suite.split) {
      splitRows.push({ suite, concurrency: context.concurrency, times: await runSplit(context, scratch, suite) });
      console.log(`  ${suite.name}: done`);
      continue;
    }
    if (suite.slowSupport) {
      modeRows.push({
        suite,
        files: files.length,
        concurrency: context.concurrency,
        times: await runModes(context, scratch, suite.name),
      });
      console.log(`  ${suite.name}: done`);
      continue;
    }
    const runners = suite.large
      ? { dockerode: dockerodeLoop }
      : { xargs: xargsDockerRun, dockerode: dockerodeLoop, 'cucumber --parallel': cucumberParallel };
    // The best static order, where durations differ: the same raw loop with the longest features first.
    if (!suite.large && new Set(suite.features.map(([, ms]) => ms)).size > 1) {
      const longestFirst = [...suite.features].sort((a, b) => b[1] - a[1]).map(([file]) => `features/${file}`);
      runners['dockerode, longest first'] = (context) => dockerodeLoop({ ...context, files: longestFirst });
    }
    const baselines = Object.fromEntries(
      Object.entries(runners).map(([name, runner]) => [name, () => runner(context)]),
    );
    // Each round: a first baleen run without history (name order), then one with the history it recorded
    // (longest first); on the swarm with the same history, so that it differs from the last only by the runtime.
    const history = (round) => join(scratch, `${suite.name}-timings-${round}.json`);
    const ran = (round, label, extra = {}) =>
      baleen({
        ...context,
        timings: history(round),
        reportDir: join(scratch, `${suite.name}-${label}-${round}`),
        ...extra,
      });
    const medians = await interleaved(rounds, {
      ...baselines,
      cold: (round) => ran(round, 'cold'),
      warm: (round) => ran(round, 'warm'),
      ...(withSwarm ? { swarm: (round) => ran(round, 'swarm', { runtime: 'swarm' }) } : {}),
    });
    const { cold, warm, swarm } = medians;
    const times = Object.fromEntries(Object.keys(runners).map((name) => [name, medians[name].ms]));
    rows.push({ suite, files: files.length, times, cold, warm, swarm });
    console.log(`  ${suite.name}: done`);
  }
  const fixedRuns = 5;
  const fixed = fixedCostSuite ? await fixedCost({ ...fixedCostSuite, runs: fixedRuns }) : undefined;
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], {
    encoding: 'utf8',
  }).trim();
  if (left) console.log(`WARNING: containers left behind: ${left.split('\n').length}`);
  if (rows.length > 0) print(rows);
  if (modeRows.length > 0) printModes(modeRows);
  if (splitRows.length > 0) printSplit(splitRows);
  if (fixed) printFixedCost(fixed, fixedRuns);
} finally {
  leaveSwarm();
  await rm(scratch, { recursive: true, force: true });
}

/** Makes the engine a one-node swarm unless it is in one; returns what puts it back. */
function joinSwarm() {
  const state = execFileSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8' }).trim();
  if (state === 'active') return () => undefined;
  // init also makes the docker_gwbridge network, which leave keeps.
  const hadGatewayBridge =
    execFileSync('docker', ['network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$'], {
      encoding: 'utf8',
    }).trim() !== '';
  execFileSync('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], { stdio: 'ignore' });
  return () => {
    execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
    // Best effort: the engine may still hold an endpoint on it for a moment (moby/moby#37018).
    if (!hadGatewayBridge) spawnSync('docker', ['network', 'rm', 'docker_gwbridge'], { stdio: 'ignore' });
  };
}

/**
 * The ways to pay a slow start-up less often, against cucumber-js --parallel on the host, in interleaved
 * rounds (the median of each way's rounds): a loaded machine slows every way alike, not one of them.
 */
async function runModes(context, scratch, name) {
  const ways = {
    'cucumber --parallel (host)': (_round) => cucumberParallel(context),
    'baleen, one container per feature': (round) =>
      baleen({ ...context, reportDir: join(scratch, `${name}-feature-${round}`) }),
    // A first run: no history, so each feature counts the same and each slot gets one batch. It writes the
    // history the next row reads: each feature's share of its batch.
    'baleen --batch auto, no history': (round) =>
      batched(round, 'first', join(scratch, `${name}-batched-${round}.json`)),
    'baleen --batch auto, history of a batched run': (round) =>
      batched(round, 'second', join(scratch, `${name}-batched-${round}.json`)),
    // The first batched run after runs of one container per feature: their history holds each feature's
    // whole container time, start-up included (a copy, so that it stays the per-feature runs' alone).
    'baleen --batch auto, history of one container per feature': async (round) => {
      const timings = join(scratch, `${name}-switch-${round}.json`);
      await cp(context.timings, timings);
      return batched(round, 'switch', timings);
    },
    'baleen --isolation worker': (round) =>
      baleen({ ...context, reportDir: join(scratch, `${name}-worker-${round}`), extra: ['--isolation', 'worker'] }),
    ...(withSwarm
      ? {
          'baleen --batch auto, swarm': (round) =>
            baleen({
              ...context,
              runtime: 'swarm',
              reportDir: join(scratch, `${name}-batch-swarm-${round}`),
              extra: ['--batch', 'auto'],
            }),
          'baleen --isolation worker, swarm': (round) =>
            baleen({
              ...context,
              runtime: 'swarm',
              reportDir: join(scratch, `${name}-worker-swarm-${round}`),
              extra: ['--isolation', 'worker'],
            }),
        }
      : {}),
  };
  function batched(round, label, timings) {
    return baleen({
      ...context,
      timings,
      reportDir: join(scratch, `${name}-batch-${label}-${round}`),
      extra: ['--batch', 'auto'],
    });
  }
  return medianMs(await interleaved(modeRounds, ways));
}

/**
 * One container per feature against --split scenarios, in interleaved rounds (the median of each way's), each
 * round with no timing history: the split's gain is its spread over the slots, not an order.
 */
async function runSplit(context, scratch, { name, features }) {
  const ways = {
    'baleen, one container per feature': (round) =>
      baleen({
        ...context,
        timings: join(scratch, `${name}-feature-${round}.json`),
        reportDir: join(scratch, `${name}-feature-${round}`),
      }),
    'baleen --split scenarios': (round) =>
      baleen({
        ...context,
        timings: join(scratch, `${name}-split-${round}.json`),
        reportDir: join(scratch, `${name}-split-${round}`),
        extra: ['--split', 'scenarios'],
      }),
    // The engine's floor for the split: each scenario by hand, `docker run … cucumber-js path:line`, all at once.
    'xargs docker run, one per scenario': () =>
      xargsDockerRun({ ...context, files: scenarioLines(features[0][2]).map((line) => `${context.files[0]}:${line}`) }),
  };
  return medianMs(await interleaved(modeRounds, ways));
}

const medianMs = (medians) => Object.fromEntries(Object.entries(medians).map(([way, run]) => [way, run.ms]));

/**
 * Runs each way once per round, the ways in turn (a loaded machine slows every way alike, not one of them),
 * and keeps each way's median run by wall time.
 */
async function interleaved(count, ways) {
  const samples = Object.fromEntries(Object.keys(ways).map((way) => [way, []]));
  for (let round = 0; round < count; round++) {
    for (const [way, run] of Object.entries(ways)) samples[way].push(await timed(() => run(round)));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([way, list]) => [
      way,
      [...list].sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)],
    ]),
  );
}

async function timed(fn) {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, ...result };
}

function print(rows) {
  const s = (ms) => `${(ms / 1000).toFixed(1)}s`;
  const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : '–');
  console.log('\n| suite | runner | wall | baleen ÷ it | containers/s | peak MB server / client |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const { suite, files, times, cold, warm, swarm } of rows) {
    for (const [name, ms] of Object.entries(times)) {
      const perSecond = name === 'cucumber --parallel' ? '–' : (files / (ms / 1000)).toFixed(1);
      console.log(`| ${suite.name} | ${name} | ${s(ms)} | ${ratio(warm.ms, ms)} | ${perSecond} | |`);
    }
    for (const [name, run] of [
      ['baleen, no history', cold],
      ['baleen, with history', warm],
    ]) {
      const expected = run.expectedMs ? ` (expected ${s(run.expectedMs)})` : '';
      console.log(
        `| ${suite.name} | ${name} | ${s(run.ms)}${expected} | | ${(files / (run.ms / 1000)).toFixed(1)} | ${run.serverMb} / ${run.clientMb} |`,
      );
    }
    if (swarm) {
      console.log(
        `| ${suite.name} | baleen on a one-node swarm | ${s(swarm.ms)} | ${ratio(swarm.ms, warm.ms)} of baleen on the engine | ${(files / (swarm.ms / 1000)).toFixed(1)} | ${swarm.serverMb} / ${swarm.clientMb} |`,
      );
    }
  }
  console.log('\nSuites:', rows.map(({ suite }) => `${suite.name}: ${suite.note}`).join('; '));
  console.log('"baleen ÷ it" is baleen with history divided by that baseline: below 1.00× baleen is faster.');
  console.log(
    `Each way ran ${rounds === 1 ? 'once' : `${rounds} times, interleaved (the median shown)`}, the ways one after another in one process.`,
  );
}

function printSplit(rows) {
  printAgainst(
    rows,
    'baleen, one container per feature',
    'one container per feature',
    (concurrency) => `concurrency ${concurrency}; target: --split scenarios under 0.33× of one container per feature.`,
  );
}

function printModes(rows) {
  printAgainst(
    rows,
    'cucumber --parallel (host)',
    'cucumber --parallel',
    (concurrency) =>
      `concurrency ${concurrency} (--parallel ${concurrency} on the host); the ways interleaved, the median of each.`,
  );
}

/** One table of each way's median wall time against one baseline way, then a note per suite. */
function printAgainst(rows, baselineWay, baselineLabel, note) {
  console.log(`\n| suite | way | wall (median) | ÷ ${baselineLabel} |`);
  console.log('| --- | --- | --- | --- |');
  for (const { suite, concurrency, times } of rows) {
    const baseline = times[baselineWay];
    for (const [way, ms] of Object.entries(times))
      console.log(`| ${suite.name} | ${way} | ${(ms / 1000).toFixed(1)}s | ${(ms / baseline).toFixed(2)}× |`);
    console.log(`\n${suite.name}: ${suite.note}; ${note(concurrency)}`);
  }
}
