/** Labels on every container baleen creates, so that a crashed run's containers can be found and removed. */
export const LABEL_PREFIX = 'io.baleen';
export const Labels = {
  managed: `${LABEL_PREFIX}.managed`,
  runId: `${LABEL_PREFIX}.run-id`,
  serverId: `${LABEL_PREFIX}.server-id`,
  feature: `${LABEL_PREFIX}.feature`,
  attempt: `${LABEL_PREFIX}.attempt`,
  /** With --split scenarios: the line of the one scenario of the feature the container runs. */
  line: `${LABEL_PREFIX}.line`,
  /** `<hostname>/<pid>` of the server process that owns the container, to tell later whether it still lives. */
  owner: `${LABEL_PREFIX}.owner`,
  /** On a warm worker's container (--isolation worker) instead of feature and attempt: its number in the run. */
  worker: `${LABEL_PREFIX}.worker`,
  /** On the container that asks the run's image what cucumber-js would run (src/probe/), instead of feature and attempt. */
  probe: `${LABEL_PREFIX}.probe`,
} as const;

export function ownerLabel(hostname: string, pid: number): string {
  return `${hostname}/${pid}`;
}

export function containerLabels(ids: {
  runId: string;
  serverId: string;
  feature: string;
  line?: number;
  attempt: number;
  owner: string;
}): Record<string, string> {
  return {
    ...networkLabels(ids),
    [Labels.feature]: ids.feature,
    ...(ids.line === undefined ? {} : { [Labels.line]: String(ids.line) }),
    [Labels.attempt]: String(ids.attempt),
  };
}

/** A warm worker runs many features: it is labelled with its run and its number in the run. */
export function workerLabels(ids: {
  runId: string;
  serverId: string;
  worker: number;
  owner: string;
}): Record<string, string> {
  return { ...networkLabels(ids), [Labels.worker]: String(ids.worker) };
}

/** The container that asks a run's image what cucumber-js would run (src/probe/): of the run, no feature. */
export function probeLabels(ids: { runId: string; serverId: string; owner: string }): Record<string, string> {
  return { ...networkLabels(ids), [Labels.probe]: 'true' };
}

/** Labels of a run's own network: the same owner and run as its containers, for the reaper. */
export function networkLabels(ids: { runId: string; serverId: string; owner: string }): Record<string, string> {
  return {
    [Labels.managed]: 'true',
    [Labels.runId]: ids.runId,
    [Labels.serverId]: ids.serverId,
    [Labels.owner]: ids.owner,
  };
}
