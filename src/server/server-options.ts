import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { Project } from '../run-options/project-file.js';
import type { Logger } from './logger.js';
import type { AllowedNetworks } from './network-policy.js';
import type { ServerLimits } from './server-limits.js';
import type { Retention } from './store/retention.js';
import type { SuiteRunner } from './webhook/push-run.js';

export interface ServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Where the token came from when the server made it (its token file): the login form names it. */
  tokenFile?: string;
  /** Image patterns clients may run (`*` wildcards); empty allows every image. */
  allowImages?: string[];
  /** Existing networks clients may join with --network (`any` for every one); none but `none` by default. */
  allowNetworks?: AllowedNetworks;
  /** Connections, runs per connection and queued features at most (see server-limits.ts). */
  limits?: Partial<ServerLimits>;
  runtime: ContainerRuntime;
  logger: Logger;
  /** Containers at once across every client's runs (default: the CPU count); a run's concurrency caps that run. */
  capacity?: number;
  /** How often clients are pinged; one that misses a ping is dropped at the next (default 30 s). */
  heartbeatMs?: number;
  /**
   * The CI-service side on the same port: health, metrics, the live page, stored runs (default). A client's
   * embedded server goes without: nobody else can reach it, and a run would load all of that for nothing.
   */
  service?: boolean;
  /** Keep every run's report folder under DIR/runs/ (`--data-dir`), with this retention. */
  dataDir?: string;
  /** Keep the image probe's answers in this file, for the next server (a client's embedded one). */
  probeAnswersFile?: string;
  retention?: Retention;
  /**
   * Listen while a dead server's leftovers are being removed, rather than after (a client's embedded server:
   * its one run's checks wait for them anyway, and its start is the run's fixed cost).
   */
  listenWhileReaping?: boolean;
  /** Push-triggered runs at POST /hooks/github (`--webhook-secret`, `--config`); needs `dataDir`. */
  webhook?: WebhookOptions;
}

export interface WebhookOptions {
  secret: string;
  /** The projects of the project file that name a `repository`. */
  projects: Record<string, Project>;
  /** A newer push of a project drops its pushes still waiting. */
  cancelSuperseded: boolean;
  /**
   * How a push's project is run: the client's run, handed in by whoever composes the server (`baleen server`),
   * since a server never imports its client.
   */
  runSuite: SuiteRunner;
}
