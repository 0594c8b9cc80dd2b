/**
 * A shell's exit code when it could not run a command: 127 when no such command is on the PATH, 126 when
 * the file is there but cannot be executed. Such an exit says nothing about the features.
 */
const NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;

/**
 * What a 127 or 126 exit means, naming the command when the shell's message says which (busybox and dash:
 * `sh: 1: cucumber-js: not found`, bash: `cucumber-js: command not found`); undefined for any other exit.
 */
export function missingCommandProblem(exitCode: number, stderrTail: string, image: string): string | undefined {
  if (exitCode !== NOT_FOUND && exitCode !== NOT_EXECUTABLE) return undefined;
  const found = exitCode === NOT_FOUND;
  const pattern = found ? /([^\s:]+): (?:command )?not found/g : /([^\s:]+): (?:Permission denied|cannot execute)/gi;
  const name = [...stderrTail.matchAll(pattern)].at(-1)?.[1];
  const what = name === undefined ? 'a command' : `\`${name}\``;
  const fix = found ? `was not found in image ${image}` : `is not executable in image ${image}`;
  const line = lastLine(stderrTail);
  return `${what} ${fix}: exit code ${exitCode}${line ? ` (${line})` : ''}; check the image and --command`;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.trim() ?? '';
}
