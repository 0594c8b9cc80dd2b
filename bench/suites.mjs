// The suites the benchmark runs, written into a scratch folder and baked into images (no registry needed).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const STEPS = `const { Given } = require('@cucumber/cucumber');
// Past cucumber-js's default step timeout (5 s): the long features of a suite must pass, not time out.
Given('a step that takes {int} ms', { timeout: 120_000 }, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
`;

// Support code that spends about 2 s loading (as a suite under ts-node, or importing a big SDK, does): what
// every fresh container pays again, and a warm worker or a batch pays once.
const SLOW_SUPPORT = `const until = Date.now() + 2000;
while (Date.now() < until); // busy, as a compiler would be
`;

/** The line of each scenario of a feature the suites write: a two-line header then two lines a scenario. */
export const scenarioLines = (scenarios) => range(scenarios, (i) => 2 + 2 * i);

const feature = (name, ms, scenarios = 1) =>
  `Feature: ${name}\n${range(scenarios, (i) => `  Scenario: work ${i}\n    Given a step that takes ${ms} ms\n`).join('')}`;

/** Each suite: a name and, per feature file, how long its one step takes. */
export function suites({ quick }) {
  const trivial = quick ? 40 : 120;
  const large = quick ? 120 : 500;
  const slow = quick ? 12 : 40;
  return [
    {
      name: 'trivial',
      note: `${trivial} features of one instant step`,
      features: range(trivial, (i) => [`t${pad(i)}.feature`, 0]),
    },
    {
      // The long features sort last by name: in name order they start last and run alone at the end.
      name: 'skewed',
      note: '30 features of 100 ms and 2 of 10 s',
      features: [...range(30, (i) => [`a${pad(i)}.feature`, 100]), ...range(2, (i) => [`z-long${i}.feature`, 10_000])],
    },
    {
      name: 'large',
      note: `${large} features of one instant step`,
      features: range(large, (i) => [`l${pad(i)}.feature`, 0]),
      large: true,
    },
    {
      // Runs at concurrency 2 whatever --concurrency says: the issue's target is against cucumber-js --parallel 2.
      name: 'slow-support',
      note: `${slow} features of a 100 ms step, support code that takes 2 s to load`,
      features: range(slow, (i) => [`s${pad(i)}.feature`, 100]),
      slowSupport: true,
      concurrency: 2,
    },
    {
      // One long feature: one container runs its scenarios one after another while the other slots idle;
      // --split scenarios gives each its own container. At concurrency 8 whatever --concurrency says.
      name: 'split',
      note: 'one feature of 8 scenarios of 2 s',
      features: [['eight.feature', 2000, 8]],
      split: true,
      concurrency: 8,
    },
  ];
}

export async function writeSuite(root, suite) {
  const dir = join(root, suite.name);
  await mkdir(join(dir, 'features/step_definitions'), { recursive: true });
  await mkdir(join(dir, 'features/support'), { recursive: true });
  await writeFile(join(dir, 'features/step_definitions/steps.js'), STEPS);
  if (suite.slowSupport) await writeFile(join(dir, 'features/support/slow-to-load.js'), SLOW_SUPPORT);
  await Promise.all(
    suite.features.map(([file, ms, scenarios]) => writeFile(join(dir, 'features', file), feature(file, ms, scenarios))),
  );
  return { dir, files: suite.features.map(([file]) => `features/${file}`) };
}

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const pad = (i) => String(i).padStart(3, '0');
