import { z } from 'zod';
import { BaleenError } from '../../errors/baleen-error.js';
import type { ContainerSpec } from '../container-runtime.js';

/** What the biggest node that takes work could ever reserve for one task: the most memory, the most CPUs. */
export interface LargestNode {
  memoryBytes: number;
  nanoCpus: number;
}

const NodeSchema = z.object({
  Spec: z.object({ Availability: z.string().optional() }).optional(),
  Status: z.object({ State: z.string().optional() }).optional(),
  Description: z
    .object({ Resources: z.object({ MemoryBytes: z.number().optional(), NanoCPUs: z.number().optional() }).optional() })
    .optional(),
});

/** Over the nodes that are up and take new tasks (not drained or paused). */
export function largestNode(rawNodes: unknown): LargestNode {
  const nodes = z
    .array(NodeSchema)
    .parse(rawNodes)
    .filter((node) => node.Status?.State === 'ready' && (node.Spec?.Availability ?? 'active') === 'active');
  return {
    memoryBytes: Math.max(0, ...nodes.map((node) => node.Description?.Resources?.MemoryBytes ?? 0)),
    nanoCpus: Math.max(0, ...nodes.map((node) => node.Description?.Resources?.NanoCPUs ?? 0)),
  };
}

/**
 * Swarm keeps a task whose reservation no node can hold pending for ever ("insufficient resources", the same
 * words as for a node that is only busy). Refused here instead, with the numbers.
 */
export function checkFitsSomeNode(limits: ContainerSpec['limits'], largest: LargestNode): void {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const cpus = (nanos: number) => `${nanos / 1e9}`;
  const problem =
    limits.memoryBytes !== undefined && limits.memoryBytes > largest.memoryBytes
      ? `--memory ${gib(limits.memoryBytes)} is more than any swarm node has (the largest: ${gib(largest.memoryBytes)})`
      : limits.nanoCpus !== undefined && limits.nanoCpus > largest.nanoCpus
        ? `--cpus ${cpus(limits.nanoCpus)} is more than any swarm node has (the largest: ${cpus(largest.nanoCpus)})`
        : undefined;
  if (problem)
    throw new BaleenError('UNSCHEDULABLE', problem, { hint: 'ask for less, or add a bigger node to the swarm' });
}
