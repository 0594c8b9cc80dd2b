import { z } from 'zod';
import { BatchChoiceSchema } from './batch-choice.js';
import { DEFAULT_COMMAND } from './command-template.js';
import { ImageSchema } from './image-reference.js';
import { IsolationSchema } from './isolation.js';
import { SplitChoiceSchema } from './split-choice.js';
import { OrderChoiceSchema } from './order-choice.js';

/** An environment variable's name, as a shell takes it. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_ENV_VARIABLES = 4096;

/** Defaults the server applies to a spec that leaves them out, and the help states. */
export const DEFAULT_STOP_GRACE_SECONDS = 10;
export const DEFAULT_COLLECT_MAX_MIB = 32;

export const ConcurrencySchema = z.number().int().min(1).max(1024);
export const RetriesSchema = z.number().int().min(0).max(100);
export const NetworkSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'a network name (letters, digits, _ . -), or none');
/** A placement constraint as text; the server checks it against its runtime's syntax (runtime-refusals.ts). */
export const ConstraintSchema = z.string().trim().min(1).max(1024);

/**
 * The RunSpec fields that run options give, each under the option's name, with the bounds the server holds a
 * client to. They are the wire's, so they live here with the rest of the RunSpec; each run option that
 * crosses the wire points its `wire` at its field (run-options/declaration.ts, where its flag and help are),
 * and a test holds the two lists together.
 */
export const RUN_OPTION_FIELDS = {
  image: ImageSchema,
  command: z.string().min(1).max(16_384).default(DEFAULT_COMMAND),
  workDir: z.string().startsWith('/').max(4096).optional(),
  beforeCommand: z.string().min(1).max(16_384).optional(),
  env: z
    .record(z.string().regex(ENV_NAME, 'an environment variable name'), z.string().max(65_536))
    .refine((env) => Object.keys(env).length <= MAX_ENV_VARIABLES, `at most ${MAX_ENV_VARIABLES} environment variables`)
    .default({}),
  concurrency: ConcurrencySchema,
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600_000)
    .optional(),
  retries: RetriesSchema.default(0),
  failFast: z.boolean().default(false),
  batch: BatchChoiceSchema.optional(),
  isolation: IsolationSchema.default('feature'),
  split: SplitChoiceSchema.default('feature'),
  order: OrderChoiceSchema.default('longest-first'),
  memoryBytes: z
    .number()
    .int()
    .min(6 * 1024 * 1024)
    .optional(),
  nanoCpus: z.number().int().positive().optional(),
  constraints: z.array(ConstraintSchema).max(64).default([]),
  tags: z.string().min(1).max(4096).optional(),
  stopGraceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_STOP_GRACE_SECONDS),
  network: NetworkSchema.optional(),
  collect: z
    .array(
      z
        .string()
        .min(1)
        .max(4096)
        .refine((path) => !path.includes('\0'), 'no NUL in a path'),
    )
    .max(64)
    .default([]),
  collectMaxBytes: z
    .number()
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .default(DEFAULT_COLLECT_MAX_MIB * 1024 * 1024),
};
export type RunOptionFields = typeof RUN_OPTION_FIELDS;
