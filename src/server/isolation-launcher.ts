import type { JobLauncher } from '../attempt/job-launcher.js';
import type { Isolation } from '../domain/run-spec.js';

/** One launcher for the dispatcher that hands each run's jobs to the launcher of the run's --isolation. */
export function isolationLauncher(launchers: Record<Isolation, JobLauncher>): JobLauncher {
  return {
    launch: (job, spec, observer, events, prepared) =>
      launchers[spec.isolation].launch(job, spec, observer, events, prepared),
    prepare: (job, spec) => launchers[spec.isolation].prepare?.(job, spec),
    unstarted: (job, spec, reason) => launchers[spec.isolation].unstarted(job, spec, reason),
    // The dispatcher does not keep the run's spec past its end: every launcher lets go of the run.
    runEnded: async (runId) => {
      await Promise.all(Object.values(launchers).map((launcher) => launcher.runEnded(runId)));
    },
  };
}
