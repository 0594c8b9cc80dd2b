// npm run bench:large-run: one real run of many trivial features (2 000 by default) through a separate
// `baleen server` process on the engine, as issue 10 asks ("a real run of 2 000 features shows the server's
// and client's peak memory"). Prints the wall time, containers a second, how many features passed and the
// peak resident memory (VmHWM) of the server and the client processes, and the containers left on the engine
// after it (0 is the promise). --deadline MIN gives the client a Ctrl-C after MIN minutes, as a user would,
// so that a run on a loaded machine ends with its numbers so far; it prints the load every 5 minutes.
//   node bench/large-run.mjs [--features N] [--concurrency N] [--deadline MIN]
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { baleen } from './runners.mjs';
import { writeSuite } from './suites.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const count = option('--features', 2000);
const concurrency = option('--concurrency', 4);
const deadlineMin = option('--deadline', undefined);
const repo = new URL('..', import.meta.url).pathname;
const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const scratch = await mkdtemp(join(tmpdir(), 'baleen-bench-large-run-'));
try {
  const suite = {
    name: 'large-run',
    features: Array.from({ length: count }, (_, i) => [`r${String(i).padStart(5, '0')}.feature`, 0]),
  };
  const { dir, files } = await writeSuite(scratch, suite);
  const image = 'baleen-bench-large-run';
  execFileSync('bash', [join(repo, 'docker/build-images.sh'), '--suite', dir, '--tag', image], { stdio: 'ignore' });
  const loadAtStart = loadNow();
  console.log(
    `${new Date().toISOString()} baleen large run: ${count} features of one instant step, concurrency ${concurrency}; running…`,
  );
  const reportDir = join(scratch, 'report');
  const started = process.hrtime.bigint();
  const ticker = setInterval(() => console.log(`  ${new Date().toISOString()} load ${loadNow()}`), 5 * 60_000);
  const { serverMb, clientMb, cutShort, code } = await baleen({
    image,
    files,
    concurrency,
    cwd: dir,
    timings: join(scratch, 'timings.json'),
    reportDir,
    ...(deadlineMin === undefined ? {} : { deadlineMs: deadlineMin * 60_000 }),
  }).finally(() => clearInterval(ticker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { results } = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8'));
  const passed = results.filter((result) => result.status === 'passed').length;
  const counts = new Map();
  for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
  const byStatus = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], {
    encoding: 'utf8',
  }).trim();
  const containersLeft = left === '' ? 0 : left.split('\n').length;
  console.log(`\n${new Date().toISOString()}, load average ${loadAtStart} at the start, ${loadNow()} at the end`);
  console.log('| features | concurrency | wall | containers/s | passed | peak MB server / client | containers left |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${count} | ${concurrency} | ${seconds.toFixed(1)}s | ${(passed / seconds).toFixed(2)} passed | ${passed} of ${results.length} | ${serverMb} / ${clientMb} | ${containersLeft} |`,
  );
  console.log(`Statuses: ${byStatus}.`);
  if (cutShort)
    console.log(
      `Cut short by a Ctrl-C at the ${deadlineMin}-minute deadline (baleen exited ${code}): not a finished run.`,
    );
  if (containersLeft > 0) process.exitCode = 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}
