// The table bench/goals.mjs prints and writes into README.md: pure, from a run's saved measures
// (bench/readme-bench.json), so that a unit test can render it again and compare it with the README's block.

export const README_BEGIN =
  '<!-- bench:begin: written by `npm run bench:readme` from bench/readme-bench.json; do not edit by hand -->';
export const README_END = '<!-- bench:end -->';

export function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
}

/**
 * The run's measures as the README keeps them: each row's goal and ways (their labels), each way's wall times
 * in ms round by round, the containers left and where and when it ran.
 */
export function savedMeasures(rows, samples, containersLeft, context) {
  return {
    context,
    containersLeft,
    rows: rows.map((row) => ({
      name: row.name,
      what: row.what,
      goal: row.goal,
      ways: row.ways.map((way) => ({
        key: way.key,
        label: way.label,
        ...(way.goal === undefined ? {} : { goal: way.goal }),
        ...(way.baseline ? { baseline: true } : {}),
      })),
    })),
    samples: Object.fromEntries([...samples].map(([key, list]) => [key, list.map((sample) => Math.round(sample.ms))])),
  };
}

/**
 * The machine and load line, then one table: each goal row's ratio (baleen ÷ its bare-engine way) beside its
 * goal, then each way of the mode rows against its baseline (cucumber-js --parallel on the host).
 */
export function renderGoals({ context, containersLeft, rows, samples }) {
  const s = (ms) => `${(ms / 1000).toFixed(2)}s`;
  const load = (list) => list.map((l) => l.toFixed(1)).join(' ');
  const wall = (key) => median(samples[key]);
  const lines = [
    `Measured ${context.startedAt} to ${context.endedAt} on ${context.machine}, ${context.memoryGb} GB memory, Docker ${context.engine}, Node ${context.node}; load average (1, 5, 15 min) ${load(context.loadAtStart)} before, ${load(context.loadAtEnd)} after. Median of ${context.rounds} interleaved rounds.`,
    '',
    '| row | baleen | against | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const line = (what, ours, theirs, label, goal) => {
    const ratio = ours / theirs;
    const verdict = goal === undefined ? '–' : ratio <= goal ? 'yes' : 'no';
    const goalText = goal === undefined ? '–' : `≤ ${goal.toFixed(2)}×`;
    lines.push(
      `| ${what} | ${s(ours)} | ${s(theirs)} (${label}) | ${ratioText(ratio, goal)}× | ${goalText} | ${verdict} |`,
    );
  };
  for (const row of rows) {
    const baseline = row.ways.find((way) => way.baseline) ?? row.ways[row.ways.length - 1];
    for (const way of row.ways.filter((way) => way !== baseline)) {
      const what = row.ways.length > 2 ? `${row.name}: ${row.what}; ${way.label}` : `${row.name}: ${row.what}`;
      line(what, wall(way.key), wall(baseline.key), baseline.label, way.goal ?? row.goal);
    }
  }
  lines.push('', `Containers left on the engine: ${containersLeft}.`);
  return lines.join('\n');
}

/**
 * A ratio in two decimals, or three where two would round it onto its goal (1.104 shown as 1.10 beside
 * "≤ 1.10×" and "no" reads as a contradiction).
 */
function ratioText(ratio, goal) {
  const two = ratio.toFixed(2);
  return goal !== undefined && Number(two) === goal && ratio !== goal ? ratio.toFixed(3) : two;
}

/** The README with its bench block replaced by `table` (the block must be there, once). */
export function withReadmeBlock(readme, table) {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin || readme.indexOf(README_BEGIN, begin + 1) >= 0)
    throw new Error(`README.md needs one ${README_BEGIN} … ${README_END} block`);
  return `${readme.slice(0, begin)}${README_BEGIN}\n${table}\n${readme.slice(end)}`;
}

/** The table inside the README's bench block, or undefined without one. */
export function readmeBlock(readme) {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(begin + README_BEGIN.length + 1, end).replace(/\n$/, '');
}
