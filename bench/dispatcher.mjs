// npm run bench:dispatcher: the dispatcher's cost with no engine at all, at 1k, 10k and 100k jobs of one run.
// Each job's container is a stand-in that exits at once; everything else is the server's real code: the
// dispatcher, the feature actor (xstate) of each admitted job, the launcher. Prints how long the submit took
// to queue the run and admit its first jobs, and the cost per job of the whole run; the per-job ratio of
// 100k to 1k says whether that cost is constant (1.00× is, the quadratic spawn-all grew 25× from 1k to 8k).
//   node bench/dispatcher.mjs [--capacity N]
import { Dispatcher } from '../dist/dispatcher/dispatcher.js';
import { featureLauncher } from '../dist/actors/feature-launcher.js';
import { RunSpecSchema } from '../dist/domain/run-spec.js';
import { instantRuntime } from '../test/support/instant-runtime.mjs';

const args = process.argv.slice(2);
const capacity = Number(args[args.indexOf('--capacity') + 1]) || 8;

const silent = { state() {}, output() {}, result() {}, waiting() {} };

async function measure(jobs) {
  const features = Array.from({ length: jobs }, (_, i) => `features/area-${i % 100}/feature-${i}.feature`);
  const spec = RunSpecSchema.parse({ image: 'img', features, concurrency: capacity });
  const dispatcher = new Dispatcher(
    capacity,
    featureLauncher({
      serverId: 'bench',
      owner: 'bench/1',
      runtime: instantRuntime(),
      networkOf: () => ({ name: 'bench', ready: Promise.resolve() }),
    }),
  );
  const started = performance.now();
  const run = dispatcher.submit(`run-${jobs}`, spec, silent);
  const admittedMs = performance.now() - started;
  await run.finished;
  const totalMs = performance.now() - started;
  return {
    jobs,
    admittedMs,
    perJobUs: (totalMs * 1000) / jobs,
    totalMs,
    heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

console.log(`dispatcher benchmark: capacity ${capacity}, containers that exit at once, node ${process.version}`);
const rows = [];
for (const jobs of [1_000, 10_000, 100_000]) rows.push(await measure(jobs));
console.log('\n| jobs | submit (queue + first admissions) | whole run | per job | per job ÷ at 1k | heap after |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(
    `| ${row.jobs} | ${row.admittedMs.toFixed(1)} ms | ${(row.totalMs / 1000).toFixed(2)} s | ${row.perJobUs.toFixed(0)} µs | ${(row.perJobUs / rows[0].perJobUs).toFixed(2)}× | ${row.heapMb} MB |`,
  );
}
