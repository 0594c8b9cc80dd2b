// npm run bench:large-run: one real run of many trivial features (2 000 by default) through a separate
// `baleen server` process on the engine, as issue 10 asks ("a real run of 2 000 features shows the server's
// and client's peak memory"). Prints the wall time, containers a second, how many features passed and the
// peak resident memory (VmHWM) of the server and the client processes.
//   node bench/large-run.mjs [--features N] [--concurrency N]
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baleen } from './runners.mjs';
import { writeSuite } from './suites.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const count = option('--features', 2000);
const concurrency = option('--concurrency', 4);
const repo = new URL('..', import.meta.url).pathname;

const scratch = await mkdtemp(join(tmpdir(), 'baleen-bench-large-run-'));
try {
  const suite = {
    name: 'large-run',
    features: Array.from({ length: count }, (_, i) => [`r${String(i).padStart(5, '0')}.feature`, 0]),
  };
  const { dir, files } = await writeSuite(scratch, suite);
  const image = 'baleen-bench-large-run';
  execFileSync('bash', [join(repo, 'docker/build-images.sh'), '--suite', dir, '--tag', image], { stdio: 'ignore' });
  console.log(`baleen large run: ${count} features of one instant step, concurrency ${concurrency}; running…`);
  const reportDir = join(scratch, 'report');
  const started = process.hrtime.bigint();
  const { serverMb, clientMb } = await baleen({
    image,
    files,
    concurrency,
    cwd: dir,
    timings: join(scratch, 'timings.json'),
    reportDir,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { results } = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8'));
  const passed = results.filter((result) => result.status === 'passed').length;
  const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], {
    encoding: 'utf8',
  }).trim();
  console.log('\n| features | concurrency | wall | containers/s | passed | peak MB server / client |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${count} | ${concurrency} | ${seconds.toFixed(1)}s | ${(count / seconds).toFixed(1)} | ${passed} of ${results.length} | ${serverMb} / ${clientMb} |`,
  );
  if (left) console.log(`WARNING: containers left behind: ${left.split('\n').length}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
