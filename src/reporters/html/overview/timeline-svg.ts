import { formatDuration } from '../../../util/text.js';
import { escapeHtml } from '../escape-for-template.js';
import type { OverviewFeature } from './overview-model.js';

const WIDTH = 1000;
const LABEL_WIDTH = 160;
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 20;

interface Bar {
  feature: OverviewFeature;
  startedAt: number;
  endedAt: number;
}

/**
 * Every container of the run as a bar on its lane, from its command's start to its end, so a person sees
 * where the run's time went: a lane is a slot of the server (on its node) when the result says which, else
 * the first free lane of its node. Features that never had a container (a parse error) have no bar.
 */
export function timelineSvg(features: readonly OverviewFeature[]): string {
  const bars: Bar[] = features.flatMap((feature) => (feature.container ? [{ feature, ...feature.container }] : []));
  if (bars.length === 0) return '<p class="baleen-none">No container ran.</p>';
  const lanes = laneOf(bars);
  const names = [...new Set(bars.map((bar) => lanes.get(bar)!))].sort(compareLanes);
  const start = Math.min(...bars.map((bar) => bar.startedAt));
  const span = Math.max(1, Math.max(...bars.map((bar) => bar.endedAt)) - start);
  const x = (at: number) => LABEL_WIDTH + ((at - start) / span) * (WIDTH - LABEL_WIDTH - 10);
  const height = AXIS_HEIGHT + names.length * ROW_HEIGHT;
  const rows = names
    .map(
      (name, row) => `<text class="lane" x="4" y="${AXIS_HEIGHT + row * ROW_HEIGHT + 15}">${escapeHtml(name)}</text>`,
    )
    .join('');
  const ticks = [0, 0.5, 1]
    .map(
      (f) =>
        `<text class="tick" x="${x(start + f * span).toFixed(1)}" y="12" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}">${formatDuration(f * span)}</text>`,
    )
    .join('');
  const rects = bars
    .map((bar) => {
      const row = names.indexOf(lanes.get(bar)!);
      const left = x(bar.startedAt);
      const width = Math.max(2, x(bar.endedAt) - left);
      const title = `${bar.feature.file}: ${bar.feature.group}, ${formatDuration(bar.endedAt - bar.startedAt)}`;
      return `<rect class="bar bar-${bar.feature.group.replace(' ', '-')}" data-file="${escapeHtml(bar.feature.file)}" x="${left.toFixed(1)}" y="${AXIS_HEIGHT + row * ROW_HEIGHT + 3}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 6}"><title>${escapeHtml(title)}</title></rect>`;
    })
    .join('');
  return `<svg class="baleen-timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Timeline of the run's containers">${ticks}${rows}${rects}</svg>`;
}

/** Each bar's lane: its slot on its node, or (without a slot) the first lane of its node free at its start. */
function laneOf(bars: readonly Bar[]): Map<Bar, string> {
  const lanes = new Map<Bar, string>();
  const freeAt = new Map<string, number[]>();
  for (const bar of [...bars].sort((a, b) => a.startedAt - b.startedAt)) {
    const node = bar.feature.node ?? 'engine';
    if (bar.feature.slot !== undefined) {
      lanes.set(bar, `${node} · slot ${bar.feature.slot}`);
      continue;
    }
    const ends = freeAt.get(node) ?? [];
    let lane = ends.findIndex((end) => end <= bar.startedAt);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = bar.endedAt;
    freeAt.set(node, ends);
    lanes.set(bar, `${node} · lane ${lane}`);
  }
  return lanes;
}

/** Lanes by node, then by number: "slot 10" after "slot 9". */
function compareLanes(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
