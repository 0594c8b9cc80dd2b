/** The engines baleen runs containers on; a Kubernetes Job backend would be one more name here. */
export const RUNTIME_KINDS = ['docker', 'swarm'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];
