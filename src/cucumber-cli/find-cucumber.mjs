// Shared by baleen's programs that run inside the suite's container (the warm worker, the image probe): their
// text is sent with this function appended (see program-text.ts), since nothing is mounted there. It finds
// the suite's own @cucumber/cucumber the way Node would for a file in the working directory (its
// node_modules, then every folder above it), then in the image's global folders (npm's global root beside
// this node, NODE_PATH, ~/.node_modules). No import declarations: the program imports what it passes in.
// biome-ignore lint/correctness/noUnusedVariables: called by the program this text is appended to
function findCucumber({ createRequire, join, dirname }) {
  const fromSuite = createRequire(join(process.cwd(), 'baleen.cjs'));
  const globalFolders = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules'),
    ...(process.env.NODE_PATH ?? '').split(':').filter(Boolean),
    ...(process.env.HOME ? [join(process.env.HOME, '.node_modules')] : []),
  ];
  for (const options of [undefined, { paths: globalFolders }]) {
    let manifest;
    try {
      manifest = fromSuite.resolve('@cucumber/cucumber/package.json', options);
    } catch {
      continue; // not there: the next place
    }
    const root = dirname(manifest);
    return {
      root,
      version: fromSuite(manifest).version,
      /** One of its modules by its file inside the package (`lib/api/index.js`), past its exports map. */
      load: (file) => fromSuite(join(root, file)),
    };
  }
  throw new Error(
    `@cucumber/cucumber is not installed in ${process.cwd()}, above it, or in ${globalFolders.join(', ')}`,
  );
}
