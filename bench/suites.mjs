// The suites the benchmark runs, written into a scratch folder and baked into images (no registry needed).
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
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
  if (suite.tsNode) await writeTsNodeSuite(dir);
  await Promise.all(
    suite.features.map(([file, ms, scenarios]) => writeFile(join(dir, 'features', file), feature(file, ms, scenarios))),
  );
  return { dir, files: suite.features.map(([file]) => `features/${file}`) };
}

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const pad = (i) => String(i).padStart(3, '0');

// A suite of TypeScript support code loaded through ts-node, type-checked, as real suites are: cucumber-js's
// config requires `ts-node/register` and the .ts files; every process that loads the support code starts the
// TypeScript compiler and checks these modules (seconds of CPU), which a warm worker or a batch pays once.
const TS_NODE_SUITE = new URL('ts-node-suite/', import.meta.url).pathname;
const TS_MODULES = 6;

const TS_CONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
    },
  },
  null,
  2,
)}\n`;

const CUCUMBER_CONFIG = `module.exports = {
  default: { requireModule: ['ts-node/register'], require: ['features/**/*.ts'] },
};
`;

const TS_STEPS = `import { Given } from '@cucumber/cucumber';
import { registry } from '../support/registry';

Given('a step that takes {int} ms', { timeout: 120_000 }, async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (registry.length !== ${TS_MODULES}) throw new Error(\`\${registry.length} models registered\`);
});
`;

/** One support module: a small domain model with the generic types real support code is full of. */
const tsModel = (i) => `export type Status${i} = 'new' | 'active' | 'suspended' | 'closed';
export interface Order${i} {
  id: string;
  status: Status${i};
  lines: { sku: string; quantity: number; price: number }[];
  customer: { name: string; address: { street: string; city: string; zip: string } };
  tags: readonly string[];
}
export type DeepPartial${i}<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial${i}<T[K]> : T[K] };
export type Paths${i}<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends object ? Paths${i}<T[K], \`\${P}\${K}.\`> | \`\${P}\${K}\` : \`\${P}\${K}\`;
}[keyof T & string];
export type Transitions${i} = { [S in Status${i}]: Exclude<Status${i}, S>[] };
export const transitions${i}: Transitions${i} = {
  new: ['active', 'closed'],
  active: ['suspended', 'closed'],
  suspended: ['active', 'closed'],
  closed: ['new'],
};
export class OrderBuilder${i} {
  private order: Order${i} = {
    id: 'order-${i}',
    status: 'new',
    lines: [],
    customer: { name: '', address: { street: '', city: '', zip: '' } },
    tags: [],
  };
  with<K extends keyof Order${i}>(key: K, value: Order${i}[K]): this {
    this.order = { ...this.order, [key]: value };
    return this;
  }
  patch(partial: DeepPartial${i}<Order${i}>): this {
    this.order = merge${i}(this.order, partial);
    return this;
  }
  move(to: Transitions${i}[Status${i}][number]): this {
    if (!(transitions${i}[this.order.status] as readonly Status${i}[]).includes(to)) throw new Error(\`no \${to}\`);
    return this.with('status', to);
  }
  total(): number {
    return this.order.lines.reduce((sum, line) => sum + line.quantity * line.price, 0);
  }
  build(): Readonly<Order${i}> {
    return Object.freeze({ ...this.order });
  }
}
export function merge${i}<T>(base: T, partial: DeepPartial${i}<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial as Record<string, unknown>)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge${i}(current, value as DeepPartial${i}<typeof current>)
        : value;
  }
  return out as T;
}
export const field${i}: Paths${i}<Order${i}> = 'customer.address.zip';
`;

const tsRegistry = (count) =>
  `${range(count, (i) => `import { OrderBuilder${i} } from './model-${i}';`).join('\n')}

/** Every model, built once at load: what the steps use. */
export const registry = [
${range(count, (i) => `  new OrderBuilder${i}().with('lines', [{ sku: 's', quantity: ${i + 1}, price: 2 }]).move('active').build(),`).join('\n')}
];
`;

/** The TypeScript suite's own files, and ts-node with TypeScript installed into its folder (its image's /suite). */
async function writeTsNodeSuite(dir) {
  await writeFile(join(dir, 'cucumber.js'), CUCUMBER_CONFIG);
  await writeFile(join(dir, 'tsconfig.json'), TS_CONFIG);
  await rm(join(dir, 'features/step_definitions/steps.js'));
  await writeFile(join(dir, 'features/step_definitions/steps.ts'), TS_STEPS);
  await writeFile(join(dir, 'features/support/registry.ts'), tsRegistry(TS_MODULES));
  await Promise.all(range(TS_MODULES, (i) => writeFile(join(dir, `features/support/model-${i}.ts`), tsModel(i))));
  await cp(join(TS_NODE_SUITE, 'package.json'), join(dir, 'package.json'));
  await cp(join(TS_NODE_SUITE, 'package-lock.json'), join(dir, 'package-lock.json'));
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'ignore',
  });
}
