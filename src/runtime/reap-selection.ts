import { Labels } from './labels.js';
import { orphanOfThisHost, type LeftoverFilter } from './reaper.js';

/** What an operator asks `baleen reap` to remove. */
export interface ReapSelection {
  /** Only what is at least this old (ms). */
  olderThanMs?: number;
  /** Only what this server made (its id is in every label set, and in its log). */
  serverId?: string;
}

/**
 * The leftovers an operator's selection picks. With neither option, the orphans a server start would remove
 * (owned by a server on this host that is gone); with one or both, everything baleen made that matches all
 * of them, whichever host owns it: a server on another host sharing the engine cannot be seen from here, so
 * its operator decides.
 */
export function reapFilter(selection: ReapSelection, now = Date.now()): LeftoverFilter {
  if (selection.olderThanMs === undefined && selection.serverId === undefined) return orphanOfThisHost();
  return (labels, createdAt) =>
    (selection.serverId === undefined || labels[Labels.serverId] === selection.serverId) &&
    (selection.olderThanMs === undefined || (createdAt !== undefined && now - createdAt >= selection.olderThanMs));
}
