import { z } from 'zod';
import { RunSpecSchema } from '../domain/run-spec.js';
import { FeatureResultSchema, FeatureStateSchema, RunStatusSchema, StreamNameSchema } from '../domain/feature-run.js';

/**
 * The WebSocket protocol between a baleen client and server: one JSON object per message, each with the
 * protocol version `v` and a `type`. Both ends validate every message they receive against these schemas.
 * See docs/protocol.md. Version 2 added placement constraints, a result's node and the NOT_SWARM_MANAGER and
 * ENGINE_FAILED errors; version 3 the spec's expected scenario lines and predictions, `run.waiting`, the
 * server's CPU count and a result's container times and slot, the spec's network and the image reference grammar;
 * version 4 the spec's batch, split and isolation, a split feature's scenario jobs; version 5 (one version for
 * this release's every change) a result's phases, the spec's selectedLines and the image probe (the spec's
 * local hashes and `{only}`, the acceptance's notes and scenario jobs). A peer of another version is told so at
 * its first message rather than failing a validation.
 */
export const PROTOCOL_VERSION = 5;

const base = { v: z.literal(PROTOCOL_VERSION) };
const runId = z.string().min(1).max(128);

// Client → server
export const SubmitRunSchema = z.strictObject({
  ...base,
  type: z.literal('run.submit'),
  requestId: z.string().min(1).max(128),
  spec: RunSpecSchema,
});
export const CancelRunSchema = z.strictObject({
  ...base,
  type: z.literal('run.cancel'),
  runId,
  reason: z.string().max(1024).optional(),
});
export const ClientMessageSchema = z.discriminatedUnion('type', [SubmitRunSchema, CancelRunSchema]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

// Server → client
export const RunAcceptedSchema = z.strictObject({
  ...base,
  type: z.literal('run.accepted'),
  requestId: z.string(),
  runId,
  features: z.array(z.string()),
  concurrency: z.number().int().positive(),
  /** The CPU count of the server's host, which the client records with the run's durations. */
  cpus: z.number().int().positive(),
  /** Lines for the user about the run as the server took it (why the image was not asked what cucumber-js runs). */
  notes: z.array(z.string().max(4096)).max(16).optional(),
  /** How long the server took to ask the image what cucumber-js will run (ms), for a trace. */
  probeMs: z.number().nonnegative().optional(),
  /** With split scenarios: each feature's scenario jobs, as the image's answer made them (the client's count may differ). */
  scenarioJobs: z.record(z.string().max(4096), z.number().int().positive()).optional(),
});
/** The run waits for its first slot on a shared server: its place in line (1 = next), each time it changes. */
export const RunWaitingSchema = z.strictObject({
  ...base,
  type: z.literal('run.waiting'),
  runId,
  place: z.number().int().positive(),
});
export const FeatureStateChangedSchema = z.strictObject({
  ...base,
  type: z.literal('feature.state'),
  runId,
  file: z.string(),
  attempt: z.number().int().positive(),
  state: FeatureStateSchema,
  at: z.number(),
  /** Which of the server's slots the job holds (0 to capacity - 1): containers one after another in a slot share it. */
  slot: z.number().int().nonnegative().optional(),
});
export const FeatureOutputSchema = z.strictObject({
  ...base,
  type: z.literal('feature.output'),
  runId,
  file: z.string(),
  attempt: z.number().int().positive(),
  stream: StreamNameSchema,
  data: z.string(),
});
/**
 * A piece of a file --collect brings back, as the server reads it out of the container's output: the files
 * stream to the client's disk and never wait whole in either side's memory. `end` marks a file's last piece;
 * the attempt's `feature.result` then lists the files that came whole (a file cut short is not listed).
 */
export const FeatureArtifactSchema = z.strictObject({
  ...base,
  type: z.literal('feature.artifact'),
  runId,
  file: z.string(),
  attempt: z.number().int().positive(),
  path: z.string().min(1).max(4096),
  /** The piece's bytes in base64; a piece is at most about 512 KiB. */
  data: z.string().max(4 * 1024 * 1024),
  end: z.boolean(),
});
export const FeatureFinishedSchema = z.strictObject({
  ...base,
  type: z.literal('feature.result'),
  runId,
  result: FeatureResultSchema,
  /** False for an attempt that failed and will be retried; the feature's last result is final. */
  final: z.boolean(),
});
export const RunFinishedSchema = z.strictObject({
  ...base,
  type: z.literal('run.finished'),
  runId,
  status: RunStatusSchema,
  durationMs: z.number().nonnegative(),
});
export const ErrorCodeSchema = z.enum([
  'BAD_MESSAGE',
  'RUN_REJECTED',
  'DOCKER_UNREACHABLE',
  'IMAGE_NOT_FOUND',
  'NOT_SWARM_MANAGER',
  /** Any other failure of the container engine while checking a run. */
  'ENGINE_FAILED',
  'INTERNAL',
]);
export const ServerErrorSchema = z.strictObject({
  ...base,
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
  requestId: z.string().optional(),
  runId: runId.optional(),
});
export const ServerMessageSchema = z.discriminatedUnion('type', [
  RunAcceptedSchema,
  RunWaitingSchema,
  FeatureStateChangedSchema,
  FeatureOutputSchema,
  FeatureArtifactSchema,
  FeatureFinishedSchema,
  RunFinishedSchema,
  ServerErrorSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ServerErrorCode = z.infer<typeof ErrorCodeSchema>;

/** A message without its version field: the sender adds it. */
export type Unversioned<M> = M extends unknown ? Omit<M, 'v'> : never;
