import { gzipSync } from 'node:zlib';
import { beforeCommandLines, fillTemplate, tagsWords } from '../attempt/feature-script.js';
import type { ReportChannel } from '../attempt/report-channel.js';
import { cucumberStandIn, replaceCucumber } from '../cucumber-cli/cucumber-invocation.js';
import { inContainerProgram } from '../cucumber-cli/program-text.js';
import { jobPathArgument } from '../cucumber-cli/path-argument.js';
import type { RunSpec } from '../domain/run-spec.js';
import { shellQuote } from '../util/shell-quote.js';

export const PROBE_PROGRAM_ENV = 'BALEEN_PROBE_PROGRAM';
const PROBE_REQUEST_ENV = 'BALEEN_PROBE_REQUEST';

/** The shell function the suite's command calls in place of cucumber-js: the probe, given the same arguments. */
const PROBE_FUNCTION = 'baleen_probe';

/** A Linux environment string may be 128 kB; the request stays well below. */
const MAX_REQUEST_CHARS = 100_000;

type ProbeScript = { ok: true; script: string; env: Record<string, string> } | { ok: false; reason: string };

/**
 * The probe's container: the suite's own command, after its before-command in the same shell, with cucumber-js
 * replaced by the probe (probe-program.mjs) and no feature paths: they travel in the request, each with the
 * argument that names exactly it. A command that calls no cucumber-js is not probed (it might run the suite).
 * A failed before-command is told on `beforeChannel`, as in a feature's container.
 */
export function probeScript(spec: RunSpec, nonce: string, beforeChannel: ReportChannel): ProbeScript {
  const command = replaceCucumber(spec.command, PROBE_FUNCTION);
  if (command === undefined) return { ok: false, reason: 'its --command runs no cucumber-js' };
  // A feature run in part (`--files path:LINE`) is asked about with its lines, as its container is given it.
  const features = spec.features.map((file) => ({
    file,
    argument: jobPathArgument(file, undefined, spec.selectedLines[file]),
  }));
  const request = gzipSync(JSON.stringify({ nonce, features })).toString('base64');
  if (request.length > MAX_REQUEST_CHARS) return { ok: false, reason: 'the run has too many features to ask about' };
  const filled = fillTemplate(command, {
    files: '',
    file: '',
    report: shellQuote(spec.reportPath),
    tags: tagsWords(spec.tags),
    only: '',
  });
  const script = [
    ...(spec.beforeCommand ? beforeCommandLines(spec.beforeCommand, beforeChannel) : []),
    ...cucumberStandIn(PROBE_FUNCTION, PROBE_PROGRAM_ENV),
    filled,
  ].join('\n');
  return {
    ok: true,
    script,
    env: {
      [PROBE_PROGRAM_ENV]: probeProgram(),
      [PROBE_REQUEST_ENV]: request,
    },
  };
}

/** The program the probe's container runs (with the shared functions): part of what an answer depends on. */
export function probeProgram(): string {
  return inContainerProgram(new URL('./probe-program.mjs', import.meta.url));
}
