import type { z } from 'zod';

/** What a runtime is and can do: read by the checks and messages outside src/runtime, never guessed from its kind. */
export interface RuntimeTraits<Kind extends string = string> {
  /** `--runtime`'s value. */
  readonly kind: Kind;
  /** Where it runs containers, for `--runtime`'s help: "one Docker engine". */
  readonly summary: string;
  /** What one attempt runs as, as messages and `baleen reap` name it: "container", "service". */
  readonly unit: string;
  /** The constraints it places containers by; absent on one engine, which refuses any. */
  readonly placement?: PlacementSyntax;
  /** Whether a container's stdin can be written to (a warm worker reads its features there). */
  readonly stdin: boolean;
  /**
   * Whether `create` makes a unit that runs nothing until `start` (a Docker container; a Swarm service starts
   * its task at once): the dispatcher then has the next jobs' containers made while others run, so that a
   * slot that frees only has to start one.
   */
  readonly createsIdle: boolean;
  /** Whether it builds images where its containers run (push-triggered runs need that). */
  readonly builds: boolean;
  readonly networks: {
    /** Why `--network none` cannot be honoured here, when it cannot. */
    readonly noneRefused?: string;
    /** The command that makes a network its containers can join, for a hint. */
    create(name: string): string;
  };
  /** How to put an image on its engine, for a hint: the build command of the Dockerfile `baleen init` writes. */
  build(image: string): string;
  /** What a generic run option does differently here, added to that option's help: "on a swarm also reserved". */
  readonly notes?: Partial<Record<NotedOption, string>>;
}

/** The run options whose help a runtime may add a note to. */
export type NotedOption = 'memory' | 'cpus' | 'isolation';

/** A runtime's placement constraints: what one is, and one to show. */
export interface PlacementSyntax {
  readonly schema: z.ZodType<string>;
  /** "a placement constraint such as node.labels.pool==ci (…)": what the schema takes, in words. */
  readonly described: string;
  readonly example: string;
}
