import { BaleenError } from '../errors/baleen-error.js';

/**
 * A warm worker reads its features on its stdin: a runtime that cannot give a container one (ContainerRuntime
 * .stdin) refuses worker runs. Both runtimes can today (a swarm places workers on the node baleen talks to:
 * docs/runtimes.md, "Warm workers on a swarm"); said by any server whose runtime cannot.
 */
export function workersNeedStdin(runtime: string): BaleenError {
  return new BaleenError(
    'USAGE',
    `--isolation worker needs a container whose stdin baleen writes to, and a ${runtime} service task has none`,
    {
      hint: 'use --batch auto to load the support code once per batch instead, or --runtime docker',
    },
  );
}
