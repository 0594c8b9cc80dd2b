import { BaleenError } from '../errors/baleen-error.js';

/**
 * A warm worker reads its features on its stdin, and a Swarm service's task has none baleen can write to
 * through a manager: Swarm has no attach of its own, and a task's container can be attached only through the
 * engine of the node it runs on (what a one-node swarm would allow: docs/runtimes.md, "Warm workers on a
 * swarm"). Said by the client before it starts an embedded swarm server, and by any server whose runtime
 * cannot.
 */
export function workersNeedStdin(runtime: string): BaleenError {
  return new BaleenError('USAGE', `--isolation worker needs a container whose stdin baleen writes to, and a ${runtime} service task has none`, {
    hint: 'use --batch auto to load the support code once per batch instead, or --runtime docker',
  });
}
