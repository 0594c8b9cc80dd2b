import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { toBaleenError } from '../docker/docker-errors.js';

/**
 * A service's stdin, for a warm worker (ContainerSpec.stdin). Swarm has no attach of its own: a task's
 * container is attached through the engine of the node it runs on, so such a service is placed on the node
 * baleen talks to (see serviceSpec). And Swarm gives the container an open stdin without `StdinOnce`: ending
 * the attach never closes it (checked on Docker 20.10, see docs/runtimes.md). So the service's shell reads its
 * stdin through a line filter that stops at a marker line (stdinFilteredScript), and ending the stream baleen
 * writes to sends that marker: the command then reads end-of-file, as on one engine.
 */
export interface ServiceStdin {
  /** The line that ends the command's stdin. */
  readonly endMarker: string;
  /** What baleen writes to: buffered until the task's container is attached. */
  readonly stream: PassThrough;
  /** Attaches to the task's container on this node and pipes what was written, and what will be, into it. */
  connect(docker: Docker, containerId: string): Promise<void>;
  /** Drops what was not delivered (the task ended, or never ran). */
  close(): void;
}

export function serviceStdin(): ServiceStdin {
  const endMarker = `baleen-stdin-${randomBytes(12).toString('hex')}-end`;
  const stream = new PassThrough();
  const wire = new PassThrough();
  stream.pipe(wire, { end: false });
  stream.on('end', () => wire.end(`${endMarker}\n`));
  let attached: NodeJS.ReadWriteStream | undefined;
  return {
    endMarker,
    stream,
    async connect(docker, containerId) {
      try {
        attached = (await docker
          .getContainer(containerId)
          .attach({ stream: true, stdin: true, stdout: false, stderr: false, hijack: true })) as NodeJS.ReadWriteStream;
      } catch (error) {
        throw toBaleenError(error, "attaching to the stdin of the service's container");
      }
      // Nothing comes back on a stdin-only attach; reading keeps the socket flowing until the engine closes it.
      attached.on('error', () => undefined);
      attached.resume();
      wire.pipe(attached);
    },
    close() {
      stream.unpipe(wire);
      wire.destroy();
      (attached as (NodeJS.ReadWriteStream & { destroy?: () => void }) | undefined)?.destroy?.();
    },
  };
}

/**
 * The script run with its stdin read through a filter that ends at `endMarker`. A fifo, not a pipeline: a
 * shell waits for every command of a pipeline, so a filter still blocked reading the container's stdin would
 * keep a command that ended (a worker that died) from ending the container. The script runs in the main
 * shell, its exit status the container's. Each request baleen writes is a line of its own, so the marker is too.
 */
export function stdinFilteredScript(script: string, endMarker: string): string {
  return [
    'baleen_stdin=$(mktemp -u) && mkfifo "$baleen_stdin" || exit 125',
    // A background command's stdin is /dev/null unless redirected: hand it the container's through fd 3.
    'exec 3<&0',
    `(while IFS= read -r line; do [ "$line" = '${endMarker}' ] && break; printf '%s\\n' "$line"; done > "$baleen_stdin") <&3 &`,
    'exec 3<&-',
    '{',
    script,
    '} < "$baleen_stdin"',
  ].join('\n');
}
