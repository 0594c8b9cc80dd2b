import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { BaleenError } from '../../errors/baleen-error.js';
import { SETTINGS_ERROR, type TlsSettings } from './tls-settings.js';

/**
 * The Docker CLI's contexts (`docker context use colima`, DOCKER_CONTEXT), read from its store as the CLI
 * reads them (docker/cli: cli/command/cli.go resolveContextName, cli/context/store): Colima and Docker
 * Desktop users reach their engine through one, with no DOCKER_HOST set.
 */

/** The context that means "DOCKER_HOST or the local socket": it has no entry in the store. */
const DEFAULT_CONTEXT = 'default';

export interface ContextEngine {
  /** The context's docker endpoint, as DOCKER_HOST would hold it. */
  host: string;
  tls?: TlsSettings;
  /** How the context was chosen, for messages: `the Docker context "colima" (DOCKER_CONTEXT)`. */
  from: string;
}

/** config.json: only the key baleen reads; everything else in it is the CLI's business. */
const CliConfig = z.looseObject({ currentContext: z.string().optional() });

/** contexts/meta/<sha256 of the name>/meta.json. */
const ContextMeta = z.looseObject({
  Name: z.string(),
  Endpoints: z.looseObject({
    docker: z.looseObject({ Host: z.string().optional(), SkipTLSVerify: z.boolean().optional() }).optional(),
  }),
});

/**
 * The engine the chosen context names, or undefined when no context is chosen (or `default` is). Only asked
 * when neither --docker-host nor DOCKER_HOST is set: they win over any context, as for `docker`.
 */
export function contextEngine(env: NodeJS.ProcessEnv): ContextEngine | undefined {
  const configDir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  const chosen = chosenContext(env, configDir);
  if (!chosen || chosen.name === DEFAULT_CONTEXT) return undefined;
  const from = `the Docker context "${chosen.name}" (${chosen.by})`;
  const id = createHash('sha256').update(chosen.name).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(metaPath)) {
    throw new BaleenError(SETTINGS_ERROR, `${from} does not exist (no ${metaPath})`, {
      hint: 'list the contexts with `docker context ls` and pick one with `docker context use NAME`, or set DOCKER_HOST',
    });
  }
  const meta = readJson(metaPath, ContextMeta, from);
  const endpoint = meta.Endpoints.docker;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  // An endpoint without TLS files speaks plain HTTP or a socket; with them, TLS, verified unless told not to.
  const tls = existsSync(tlsDir)
    ? { verify: !endpoint?.SkipTLSVerify, certPath: tlsDir, certPathFrom: from }
    : undefined;
  return { host: endpoint?.Host ?? '', from, ...(tls ? { tls } : {}) };
}

function chosenContext(env: NodeJS.ProcessEnv, configDir: string): { name: string; by: string } | undefined {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return { name: fromEnv, by: 'DOCKER_CONTEXT' };
  const configPath = join(configDir, 'config.json');
  if (!existsSync(configPath)) return undefined;
  const name = readJson(configPath, CliConfig, `the Docker CLI's ${configPath}`).currentContext?.trim();
  return name ? { name, by: `currentContext in ${configPath}` } : undefined;
}

function readJson<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaleenError(SETTINGS_ERROR, `${what}: cannot read ${path} (${(error as Error).message})`, {
      hint: 'repair or remove it (`docker context ls` shows what the Docker CLI makes of it), or set DOCKER_HOST',
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new BaleenError(
      SETTINGS_ERROR,
      `${what}: ${path} is not what the Docker CLI writes (${parsed.error.issues[0]?.message ?? 'unexpected shape'})`,
      {
        hint: 'repair or remove it, or set DOCKER_HOST',
      },
    );
  }
  return parsed.data;
}
