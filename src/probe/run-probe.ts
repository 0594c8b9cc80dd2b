import { randomBytes } from 'node:crypto';
import { beforeCommandExit } from '../attempt/feature-script.js';
import { createReportChannel } from '../attempt/report-channel.js';
import { ImageProbeSchema, type ImageProbe } from '../domain/image-probe.js';
import type { RunSpec } from '../domain/run-spec.js';
import { messageOf } from '../errors/baleen-error.js';
import { probeLabels } from '../runtime/labels.js';
import { runContainerSpec } from '../attempt/container-spec.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { OutputTailBuffer } from '../util/output-tail.js';
import { parseJsonOrUndefined } from '../util/parse-json.js';
import { lastLines } from '../util/text.js';
import { probeScript } from './probe-script.js';

/** What the image said, or why it was not asked or did not answer (the run then goes by the client's parse). */
export type ProbeOutcome =
  | {
      kind: 'probed';
      probe: ImageProbe;
      ms: number /** A kept answer (probe-cache.ts): no container. */;
      cached?: true;
    }
  | { kind: 'unprobed'; reason: string; ms: number };

/** The longest the probe may take; it reads files and parses features, it runs no step. */
const PROBE_TIMEOUT_MS = Number(process.env.BALEEN_PROBE_TIMEOUT_MS ?? 60_000);
/** The probe's answer holds a line per scenario and a hash per file: bounded all the same. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The escape hatch, should the probe misjudge an image: the run then goes by the client's parse, as it says. */
export const probeTurnedOff = (): boolean => process.env.BALEEN_PROBE === 'off';

/**
 * Asks the suite's image, in one container, what cucumber-js with the suite's own command and configuration
 * would run of the run's features (see probe-program.mjs). The container joins no network, carries the run's
 * labels (the reaper finds it should the server die) and is removed whatever happens.
 */
export async function probeImage(
  runtime: ContainerRuntime,
  spec: RunSpec,
  ids: { runId: string; serverId: string; owner: string },
): Promise<ProbeOutcome> {
  const startedAt = Date.now();
  const unprobed = (reason: string): ProbeOutcome => ({ kind: 'unprobed', reason, ms: Date.now() - startedAt });
  if (probeTurnedOff()) return unprobed('BALEEN_PROBE=off');
  const nonce = randomBytes(12).toString('hex');
  const beforeChannel = createReportChannel(nonce, 64, 'before');
  const prepared = probeScript(spec, nonce, beforeChannel);
  if (!prepared.ok) return unprobed(prepared.reason);
  const channel = createReportChannel(nonce, MAX_ANSWER_BYTES, 'probe');
  const stderr = new OutputTailBuffer(4096);
  let container: Awaited<ReturnType<ContainerRuntime['create']>> | undefined;
  try {
    // The run's container settings, as its features get them, on no network and with the probe's own program.
    container = await runtime.create({
      ...runContainerSpec(spec, 'none', probeLabels(ids)),
      script: prepared.script,
      env: { ...spec.env, ...prepared.env },
      stopGraceSeconds: 1,
    });
    const attached = await container.attach({
      stdout: () => undefined,
      stderr: (chunk) => stderr.push(channel.filter(beforeChannel.filter(chunk))),
      end: () => {
        stderr.push(channel.filter(beforeChannel.flush()));
        stderr.push(channel.flush());
      },
    });
    await attached.start();
    const exit = await withTimeout(attached.exited, PROBE_TIMEOUT_MS);
    if (exit === undefined) return unprobed(`it did not answer within ${PROBE_TIMEOUT_MS / 1000} s`);
    const answer = channel.report();
    const beforeFailed = beforeCommandExit(beforeChannel);
    if (beforeFailed !== undefined) return unprobed(`its --before-command failed with exit code ${beforeFailed}`);
    if (answer === undefined) {
      const said = lastLines(stderr.toTail().text.trim(), 1);
      return unprobed(`it exited with code ${exit.exitCode}${said === '' ? '' : `: ${said}`}`);
    }
    const parsed = ImageProbeSchema.safeParse(parseJsonOrUndefined(answer.toString('utf8')));
    return parsed.success
      ? { kind: 'probed', probe: parsed.data, ms: Date.now() - startedAt }
      : unprobed(`its answer is not what baleen expects: ${parsed.error.issues[0]?.message}`);
  } catch (error) {
    return unprobed(messageOf(error));
  } finally {
    await container?.remove().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
