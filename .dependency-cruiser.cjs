/**
 * The layers of src/, checked in CI (`npm run lint`). A folder may import only folders of a lower rank: the
 * arrows all point down, so no folder ever needs one above it and no two folders can form a loop. Folders of
 * the same rank are peers and do not import each other. docs/architecture.md draws the same picture.
 *
 * There is no list of known violations: an arrow back up or a cycle fails `npm run lint`, and so `npm test`
 * and CI. One means the code is in the wrong place: move it down, or hand the function in from above (the
 * webhook gets the client's run from `baleen server`, which composes it).
 */
const LAYERS = [
  ['errors'],
  ['util'],
  // How cucumber-js reads its command line (a path, a line): the RunSpec's rules for feature paths rest on it.
  ['cucumber-cli'],
  ['domain'],
  ['cucumber-json', 'gherkin'],
  ['cucumber-messages'],
  ['protocol', 'runtime', 'artifacts', 'report-dir'],
  ['reporters'],
  // Batches of features; the timing history (what each feature took, what it is predicted to take).
  ['batch', 'timings'],
  // Shards of a suite, balanced by the timing history, and the pipeline's plan of them.
  ['shards'],
  // What an attempt is (container spec, deadline, evidence, judge, results), whatever runs it: the two runners
  // below are peers that share it and never import each other.
  ['attempt'],
  ['actors', 'worker'],
  ['dispatcher', 'probe'],
  ['config'],
  ['run-options', 'init'],
  ['server'],
  ['client'],
  ['cli'],
];

const folder = (name) => `^src/${name}/`;
const anyOf = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((names, rank) => {
  const above = LAYERS.slice(rank + 1).flat();
  return names.map((name) => {
    const peers = names.filter((peer) => peer !== name);
    const forbidden = [...above, ...peers];
    return {
      name: `layer-${name}`,
      comment: `src/${name} may import only folders below it: ${LAYERS.slice(0, rank).flat().join(', ') || 'none'}`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: anyOf(forbidden) },
    };
  });
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'modules never import each other, directly or through others', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'unknown-folder',
      comment: 'every folder of src/ has a place in LAYERS (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: anyOf(LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    // TypeScript 7's package has no compiler API for dependency-cruiser to parse with: it reads TS through swc.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs a type from above depends on it all the same.
    tsPreCompilationDeps: true,
  },
};
