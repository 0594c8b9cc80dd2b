import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { Labels } from '../runtime/labels.js';
import { findLeftovers, removeLeftovers } from '../runtime/reaper.js';
import { reapFilter, type ReapSelection } from '../runtime/reap-selection.js';
import { plural } from '../util/text.js';

/**
 * `baleen reap`: lists, then (unless a dry run) removes, what baleen left on the engine that the selection
 * picks: the runtime's units (containers, or what it runs them as) and run networks. One line for each, then
 * a count.
 */
export async function reap(
  runtime: ContainerRuntime,
  selection: ReapSelection & { dryRun: boolean },
  out: NodeJS.WritableStream,
): Promise<void> {
  const leftovers = await findLeftovers(runtime, reapFilter(selection));
  const verb = selection.dryRun ? 'would remove' : 'removing';
  const { unit } = runtime.traits;
  for (const { id, labels, createdAt } of leftovers.containers)
    out.write(`${verb} ${unit} ${id.slice(0, 12)} ${describe(labels, createdAt)}\n`);
  for (const { name, labels, createdAt } of leftovers.networks)
    out.write(`${verb} network ${name} ${describe(labels, createdAt)}\n`);
  if (!selection.dryRun) await removeLeftovers(runtime, leftovers);
  const count = `${plural(leftovers.containers.length, unit)} and ${plural(leftovers.networks.length, 'network')}`;
  out.write(selection.dryRun ? `dry run: ${count} would be removed\n` : `removed ${count}\n`);
}

function describe(labels: Record<string, string>, createdAt: number | undefined): string {
  const age = createdAt === undefined ? '' : `, ${Math.round((Date.now() - createdAt) / 60_000)} min old`;
  return `(run ${labels[Labels.runId] ?? '?'}, server ${labels[Labels.serverId] ?? '?'}, owner ${labels[Labels.owner] ?? '?'}${age})`;
}
