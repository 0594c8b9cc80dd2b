import { Attempt } from '../attempt/attempt.js';
import type { FeatureObserver } from '../attempt/job-launcher.js';
import type { RunSpec } from '../domain/run-spec.js';
import type {
  AttachedContainer,
  ContainerRuntime,
  CreatedContainer,
  OutputSinks,
} from '../runtime/container-runtime.js';
import { type AttemptPlace, attemptContainerSpec, waitForNetwork } from './attempt-container.js';

/**
 * An attempt's container made ahead of its slot, while other containers run: created and attached by the same
 * calls the attempt would make, so that once the job has its slot only the start is left. Nothing runs in it
 * before that (a runtime whose create starts what it makes never prepares: see RuntimeTraits.createsIdle).
 * The feature machine takes it over (feature-machine.ts), with its attempt (made now: its nonce is in the
 * script), which `admit` begins; a prepared container no job takes (its run stopped first) is discarded,
 * removed before the run ends.
 */
export interface PreparedContainer {
  /** The attempt, whose clock has network, create and attach, then `ready` until the slot comes. */
  readonly attempt: Attempt;
  readonly created: Promise<CreatedContainer>;
  /** Attached with sinks that hand the output on to `connect`'s. */
  readonly attached: Promise<AttachedContainer>;
  /** The job has its slot: the attempt begins now, and tells `observer` of its states and output. */
  admit(observer: FeatureObserver): void;
  /** The job's sinks: the container's output goes there (it printed nothing before: it never started). */
  connect(sinks: OutputSinks): void;
  /** For a job that will not run: removes the container once it is made. Never rejects. */
  discard(): Promise<void>;
}

export function prepareContainer(place: AttemptPlace, spec: RunSpec, runtime: ContainerRuntime): PreparedContainer {
  let observer: FeatureObserver | undefined;
  let sinks: OutputSinks | undefined;
  const attempt = new Attempt({
    files: place.files,
    ...(place.line === undefined ? {} : { line: place.line }),
    attempt: place.attempt,
    spec,
    // Until the job is admitted nothing is told: the container has not started.
    observer: {
      state: (...args) => observer?.state(...args),
      output: (...args) => observer?.output(...args),
      artifact: (...args) => observer?.artifact?.(...args),
    },
  });
  const { clock } = attempt;
  const created = (async () => {
    await waitForNetwork(place.network, clock);
    return clock.time('create', () => runtime.create(attemptContainerSpec(place, attempt)));
  })();
  const attached = created.then((container) =>
    clock.time('attach', () =>
      container.attach({
        stdout: (chunk) => sinks?.stdout(chunk),
        stderr: (chunk) => sinks?.stderr(chunk),
        end: () => sinks?.end?.(),
      }),
    ),
  );
  attached.then(
    () => clock.begin('ready'),
    () => undefined,
  );
  // Whoever takes the container over awaits these; a discarded one may never be: no unhandled rejection.
  created.catch(() => undefined);
  return {
    attempt,
    created,
    attached,
    admit: (to) => {
      observer = to;
      attempt.admitted();
    },
    connect: (to) => {
      sinks = to;
    },
    discard: async () => {
      const container = await created.catch(() => undefined);
      await container?.remove().catch(() => undefined);
    },
  };
}
