import type Docker from 'dockerode';

/**
 * Podman serves the Docker API (`podman system service`), and baleen's docker runtime runs on it as it is: the
 * same containers, labels, run networks, attach, archive copy and reaper. This is the one place that says
 * where it answers differently, measured on Podman 4.3.1 (Debian 12, with runc and conmon 2.1.6):
 *
 * - A forced removal (`DELETE /containers/{id}?force=1`) of a running container stops it first and waits its
 *   stop timeout (baleen's --stop-grace, 10 s) when the process ignores SIGTERM, as a shell's `exec sleep`
 *   does; Docker kills it at once. Measured: 11.3 s against 0.1 s. On Podman baleen kills it first (below),
 *   so Ctrl-C and a timeout still remove everything at once.
 * - A hijacked attach (a warm worker's stdin) hands the attach request's body to the container's stdin, ahead of
 *   what is written on the connection; Docker ignores it. docker-modem sends the attach options as a JSON
 *   body, so a worker read `{"stream":true,…}{"id":1,…}` as its first request and every feature was an error.
 *   baleen's attach sends no body (docker-runtime.ts), on either engine.
 * - Podman before 5.0 never reports a container killed for memory (`State.OOMKilled` stays false: conmon
 *   writes its oom file where Podman does not look, containers/podman#13102, fixed in 5.0). A feature that
 *   exceeds --memory there ends as an exit 137 without a report, not "out of memory (OOMKilled)".
 * - Its event log has no `network connect` events and ignores an `until` (tests read it without one).
 * - It names the images it loads or builds `localhost/NAME`; `NAME` still finds them.
 *
 * Everything else baleen relies on answered as Docker does (test/e2e files tagged `podman`).
 */
export interface EngineDialect {
  /** The engine, as `docker version` names its server. */
  readonly product: 'Docker' | 'Podman';
  /** Kill a running container before a forced removal, which would otherwise wait its stop timeout. */
  readonly killBeforeRemove: boolean;
}

const DOCKER: EngineDialect = { product: 'Docker', killBeforeRemove: false };
const PODMAN: EngineDialect = { product: 'Podman', killBeforeRemove: true };

/** Which engine answers, from its version (Podman lists itself among the components as "Podman Engine"). */
export function dialectOf(version: { Components?: readonly { Name: string }[] }): EngineDialect {
  const podman = (version.Components ?? []).some((component) => /^podman/i.test(component.Name));
  return podman ? PODMAN : DOCKER;
}

/** The engine's dialect, asked once; an engine that does not answer is taken for Docker (its calls will fail anyway). */
export function engineDialect(docker: Docker): () => Promise<EngineDialect> {
  let asked: Promise<EngineDialect> | undefined;
  return () => {
    asked ??= docker.version().then(dialectOf, () => {
      asked = undefined;
      return DOCKER;
    });
    return asked;
  };
}
