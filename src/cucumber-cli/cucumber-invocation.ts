/**
 * How suites' commands call cucumber-js, and how baleen's in-container programs (the image probe, the warm
 * worker) take its place there: the suite's own command runs as it would, in its shell, after its
 * before-command, and where it calls cucumber-js it calls a shell function that runs baleen's program with
 * the same arguments instead (its configuration file, profiles, world parameters, `--require`, formats…), which
 * the program reads with cucumber-js's own parser (cucumber-argv.mjs).
 */

/** The default command's own choice between the suite's copy of cucumber-js and the one on PATH. */
export const DEFAULT_INVOCATION = '"$(command -v ./node_modules/.bin/cucumber-js || echo cucumber-js)"';

/**
 * The word `cucumber-js` as a command: a path to it (`./node_modules/.bin/cucumber-js`), behind npx, bunx,
 * pnpx, yarn, pnpm (exec) or npm exec and their options, or behind node.
 */
const INVOCATION =
  /(^|[\s;&|(`])(?:(?:npx|bunx|pnpx|yarn|pnpm(?:\s+exec)?|npm\s+exec)\s+(?:--?[\w-]+\s+)*)?(?:node\s+)?(?:[^\s;&|()'"`]*\/)?cucumber-js(?=$|[\s;&|)'"`])/g;

/**
 * The command with each call of cucumber-js replaced by a call of the shell function `name`, or undefined when
 * it calls none (a command that might run the suite some other way: `npm test`, a script).
 */
export function replaceCucumber(command: string, name: string): string | undefined {
  const replaced = command.replaceAll(DEFAULT_INVOCATION, name).replace(INVOCATION, `$1${name}`);
  return replaced.includes(name) ? replaced : undefined;
}

/** Whether the command calls cucumber-js where baleen can take its place. */
export const callsCucumber = (command: string): boolean => replaceCucumber(command, 'baleen_cucumber') !== undefined;

/**
 * The shell lines that make `name` stand in for cucumber-js: the program whose text is in the environment
 * variable `programEnv`, run by node with the arguments the command gives cucumber-js. A shell function for the
 * command's own calls, and an executable of the same name on PATH for the programs it starts (a wrapper script
 * given cucumber-js as its arguments, `env`, `xvfb-run`), when a temporary folder can be made. node is never the
 * shell's replacement (so a shell that is its container's first process stays so, and node gets the signals it
 * would get as cucumber-js); the command's shell ends with node's exit code, so the rest of the command never
 * runs.
 */
export function cucumberStandIn(name: string, programEnv: string): string[] {
  const run = `node --input-type=module -e "$${programEnv}" -- "$@"`;
  const file = `"$baleen_bin/${name}"`;
  return [
    `${name}() { ${run}; exit $?; }`,
    `if baleen_bin=$(mktemp -d 2>/dev/null); then printf '#!/bin/sh\\nexec %s\\n' '${run}' >${file} && chmod +x ${file} && PATH="$baleen_bin:$PATH" && export PATH; fi`,
  ];
}
