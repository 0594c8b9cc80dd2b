// Shared by baleen's programs that stand in for cucumber-js in the suite's own command (the image probe, the
// warm worker: see cucumber-invocation.ts); appended to their text like find-cucumber.mjs. It reads the
// arguments the command gave cucumber-js with cucumber-js's own parser, and says where loadConfiguration finds
// the suite's configuration: its file (`--config`), its profiles (`-p`), and what the command line provides
// on top of them (`--world-parameters`, `--require`, `--import`, `--format`, `--tags`…), merged by
// loadConfiguration as the CLI merges them.
// biome-ignore lint/correctness/noUnusedVariables: called by the program this text is appended to
function cucumberArguments(cucumber, argv) {
  const { ArgvParser } = cucumber.load('lib/configuration/index.js');
  const { options, configuration: provided } = ArgvParser.parse(['node', 'cucumber-js', ...argv]);
  return { options, provided, coordinates: { file: options.config, profiles: options.profile ?? [] } };
}
