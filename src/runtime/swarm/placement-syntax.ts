import { z } from 'zod';
import type { PlacementSyntax } from '../runtime-traits.js';

/**
 * `node.labels.pool==ci`, `node.role!=manager`: one of the attributes Swarm knows, == or !=, a value. A typo in
 * the attribute would otherwise reach Swarm, which takes it and matches no node.
 */
export const SWARM_PLACEMENT: PlacementSyntax = {
  schema: z
    .string()
    .regex(
      /^\s*(node\.(id|hostname|role|platform\.os|platform\.arch)|(node|engine)\.labels\.[^\s=!]+)\s*(==|!=)\s*\S.*$/,
    ),
  described:
    'a placement constraint such as node.labels.pool==ci (node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY, then == or !=, then a value)',
  example: 'node.labels.pool==ci',
};
