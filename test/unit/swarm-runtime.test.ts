import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../src/runtime/container-runtime.js';
import { modeForApiVersion, serviceSpec } from '../../src/runtime/swarm/service-spec.js';
import { stdinFilteredScript } from '../../src/runtime/swarm/service-stdin.js';
import { isUnschedulable, taskFailure } from '../../src/runtime/swarm/swarm-errors.js';
import { repoDigestFor } from '../../src/runtime/swarm/image-pin.js';
import { newestTask, phaseOf, ranToExit, type SwarmTask } from '../../src/runtime/swarm/swarm-task.js';
import { TaskTracker, type TaskUpdate } from '../../src/runtime/swarm/task-tracker.js';

const task = (
  state: string,
  extra: { err?: string; exitCode?: number; createdAt?: string; serviceId?: string } = {},
): SwarmTask => ({
  ID: `task-${state}`,
  ServiceID: extra.serviceId ?? 'svc',
  CreatedAt: extra.createdAt ?? '2026-11-23T10:00:00Z',
  Status: {
    State: state,
    ...(extra.err ? { Err: extra.err } : {}),
    ContainerStatus: { ...(extra.exitCode === undefined ? {} : { ExitCode: extra.exitCode }) },
  },
});

describe("a swarm task's phase and exit", () => {
  it('waits through scheduling, runs, and ends in any terminal state', () => {
    expect(phaseOf(undefined)).toBe('waiting');
    for (const state of ['new', 'pending', 'assigned', 'preparing', 'starting'])
      expect(phaseOf(task(state))).toBe('waiting');
    expect(phaseOf(task('running'))).toBe('running');
    for (const state of ['complete', 'failed', 'rejected', 'shutdown', 'orphaned'])
      expect(phaseOf(task(state))).toBe('ended');
  });

  it('has an exit code only when its process ran to an exit', () => {
    expect(ranToExit(task('complete'))).toBe(0);
    expect(ranToExit(task('failed', { err: 'task: non-zero exit (3)', exitCode: 3 }))).toBe(3);
    expect(
      ranToExit(task('failed', { err: 'starting container failed: no such file', exitCode: 128 })),
    ).toBeUndefined();
    expect(ranToExit(task('rejected', { err: 'No such image: x' }))).toBeUndefined();
    expect(ranToExit(task('shutdown'))).toBeUndefined();
  });

  it('reads the newest task when Swarm made more than one', () => {
    const older = task('failed', { createdAt: '2026-11-23T10:00:00Z' });
    const newer = task('running', { createdAt: '2026-11-23T10:00:05Z' });
    expect(newestTask([newer, older])).toBe(newer);
    expect(newestTask([])).toBeUndefined();
  });
});

describe('why Swarm could not run a task', () => {
  it('tells a missing image, unmet constraints and anything else apart, naming the node', () => {
    const image = taskFailure(task('rejected', { err: 'No such image: runner:1' }), 'runner:1', 'worker-2');
    expect(image.code).toBe('IMAGE_NOT_FOUND');
    expect(image.toLine()).toMatch(
      /^image "runner:1" is not on node worker-2 .*docker save IMAGE \| docker -H NODE load/,
    );
    const placement = taskFailure(
      task('pending', { err: 'no suitable node (scheduling constraints not satisfied on 3 nodes)' }),
      'runner:1',
      undefined,
    );
    expect(placement.code).toBe('UNSCHEDULABLE');
    expect(placement.message).toBe(
      'no swarm node can run the feature: scheduling constraints not satisfied on 3 nodes',
    );
    const other = taskFailure(task('failed', { err: 'starting container failed: boom' }), 'runner:1', 'vm');
    expect(other.code).toBe('CONTAINER_FAILED');
    expect(other.exitCode).toBe(3);
  });

  it('waits for resources that may free up, but not for constraints no node meets', () => {
    expect(
      isUnschedulable(task('pending', { err: 'no suitable node (scheduling constraints not satisfied on 1 node)' })),
    ).toBe(true);
    expect(isUnschedulable(task('pending', { err: 'no suitable node (insufficient resources on 2 nodes)' }))).toBe(
      false,
    );
    expect(
      isUnschedulable(
        task('pending', {
          err: 'no suitable node (scheduling constraints not satisfied on 1 node; insufficient resources on 1 node)',
        }),
      ),
    ).toBe(false);
    expect(isUnschedulable(task('pending'))).toBe(false);
  });
});

describe('the service a feature runs as', () => {
  const spec: ContainerSpec = {
    image: 'runner:1',
    script: 'cucumber-js a.feature',
    workDir: '/suite',
    env: { A: '1' },
    labels: { 'io.baleen.managed': 'true' },
    limits: { memoryBytes: 512 * 1024 * 1024, nanoCpus: 1_500_000_000 },
    stopGraceSeconds: 7,
    constraints: ['node.labels.pool==ci'],
    network: 'baleen-run-r1',
  };

  it('is one replica that never restarts, with limits reserved, constraints, labels and the grace period', () => {
    const service = serviceSpec('baleen-x', spec, 'replicated');
    const template = service.TaskTemplate as Docker.ContainerTaskSpec;
    expect(service.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(template.RestartPolicy).toEqual({ Condition: 'none', MaxAttempts: 0 });
    expect(template.Resources).toEqual({
      Limits: { MemoryBytes: 512 * 1024 * 1024, NanoCPUs: 1_500_000_000 },
      Reservations: { MemoryBytes: 512 * 1024 * 1024, NanoCPUs: 1_500_000_000 },
    });
    expect(template.Placement).toEqual({ Constraints: ['node.labels.pool==ci'] });
    expect(template.ContainerSpec).toMatchObject({
      Image: 'runner:1',
      Command: ['sh', '-c', 'cucumber-js a.feature'],
      Dir: '/suite',
      Env: ['A=1'],
      StopGracePeriod: 7e9,
    });
    expect(service.Labels).toEqual(template.ContainerSpec!.Labels);
    // Walled off: the run's own overlay network, and no raw sockets.
    expect(template.Networks).toEqual([{ Target: 'baleen-run-r1' }]);
    expect(template.ContainerSpec).toMatchObject({ CapabilityDrop: ['CAP_NET_RAW'] });
    expect(serviceSpec('baleen-x', spec, 'replicated-job').Mode).toEqual({
      ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 },
    });
  });

  it('with stdin (a warm worker): an open stdin, placed on the node baleen talks to, its command reading through the marker filter', () => {
    const template = serviceSpec('baleen-x', spec, 'replicated', { endMarker: 'baleen-stdin-n-end', nodeId: 'node-1' })
      .TaskTemplate as Docker.ContainerTaskSpec;
    expect(template.ContainerSpec).toMatchObject({ OpenStdin: true });
    expect(template.Placement).toEqual({ Constraints: ['node.labels.pool==ci', 'node.id==node-1'] });
    expect(template.ContainerSpec!.Command).toEqual([
      'sh',
      '-c',
      stdinFilteredScript('cucumber-js a.feature', 'baleen-stdin-n-end'),
    ]);
    expect(stdinFilteredScript('cucumber-js a.feature', 'baleen-stdin-n-end')).toContain(
      '[ "$line" = \'baleen-stdin-n-end\' ] && break',
    );
    expect(
      (serviceSpec('baleen-x', spec, 'replicated').TaskTemplate as Docker.ContainerTaskSpec).ContainerSpec,
    ).toMatchObject({ OpenStdin: false });
  });

  it("uses Swarm jobs only on engines that remove a job's tasks (Docker 24, API 1.43, and later)", () => {
    expect(modeForApiVersion('1.41')).toBe('replicated');
    expect(modeForApiVersion('1.42')).toBe('replicated');
    expect(modeForApiVersion('1.43')).toBe('replicated-job');
    expect(modeForApiVersion('1.51')).toBe('replicated-job');
    expect(modeForApiVersion('2.0')).toBe('replicated-job');
  });
});

describe('TaskTracker', () => {
  /** A stand-in for the engine's task list: records each request's service filter. */
  function engine(tasksOf: (serviceIds: string[]) => SwarmTask[] | Error) {
    const requests: string[][] = [];
    const docker = {
      listTasks: async ({ filters }: { filters: { service: string[] } }) => {
        requests.push(filters.service);
        const answer = tasksOf(filters.service);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as Docker;
    return { docker, requests };
  }
  const nextUpdate = (tracker: TaskTracker, id: string) =>
    new Promise<TaskUpdate>((resolve) => {
      const stop = tracker.watch(id, (update) => {
        stop();
        resolve(update);
      });
    });

  it('asks once per tick for every watched service and hands each its own task', async () => {
    const { docker, requests } = engine((ids) => ids.map((id) => task('running', { serviceId: id })));
    const tracker = new TaskTracker(docker, 1);
    const [a, b] = await Promise.all([nextUpdate(tracker, 'a'), nextUpdate(tracker, 'b')]);
    expect(a).toEqual({ task: expect.objectContaining({ ServiceID: 'a' }) });
    expect(b).toEqual({ task: expect.objectContaining({ ServiceID: 'b' }) });
    expect(requests[0]).toEqual(['a', 'b']);
  });

  it('finds which service vanished when the engine refuses the whole filter, and tells only that one', async () => {
    const notFound = Object.assign(new Error('service gone not found'), { statusCode: 404 });
    const { docker } = engine((ids) =>
      ids.includes('gone') ? notFound : ids.map((id) => task('complete', { serviceId: id })),
    );
    const tracker = new TaskTracker(docker, 1);
    const [gone, kept] = await Promise.all([nextUpdate(tracker, 'gone'), nextUpdate(tracker, 'kept')]);
    expect(gone).toEqual({ gone: true });
    expect(kept).toEqual({
      task: expect.objectContaining({ ServiceID: 'kept', Status: expect.objectContaining({ State: 'complete' }) }),
    });
  });

  it('rides out engine blips, and reports an engine that keeps failing', async () => {
    let calls = 0;
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { docker } = engine(() => (++calls <= 2 ? down : [task('running')]));
    expect(await nextUpdate(new TaskTracker(docker, 1, 60_000), 'svc')).toEqual({
      task: expect.objectContaining({ ID: 'task-running' }),
    });
    const { docker: dead } = engine(() => down);
    expect(await nextUpdate(new TaskTracker(dead, 1, 20), 'svc')).toEqual({ error: down });
  });
});

describe('the image a service carries', () => {
  it("is the repo digest of the image's own repository when it has one", () => {
    const digests = ['other/runner@sha256:aaa', 'registry.example:5000/team/runner@sha256:bbb'];
    expect(repoDigestFor('registry.example:5000/team/runner:12', digests)).toBe(
      'registry.example:5000/team/runner@sha256:bbb',
    );
    expect(repoDigestFor('registry.example:5000/team/runner', digests)).toBe(
      'registry.example:5000/team/runner@sha256:bbb',
    );
  });

  it("has no digest for an image that was only built or loaded, nor for another repository's", () => {
    expect(repoDigestFor('baleen-test-runner', [])).toBeUndefined();
    expect(repoDigestFor('runner:12', ['other/runner@sha256:aaa'])).toBeUndefined();
  });
});

describe('Docker Hub spellings of an image', () => {
  it('match the short form the engine reports its repo digests in', () => {
    expect(repoDigestFor('docker.io/library/alpine:3.20', ['alpine@sha256:ccc'])).toBe('alpine@sha256:ccc');
    expect(repoDigestFor('docker.io/myorg/app:1', ['myorg/app@sha256:ddd'])).toBe('myorg/app@sha256:ddd');
  });
});
