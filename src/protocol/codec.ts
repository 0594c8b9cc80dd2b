import type { z } from 'zod';
import { RunSpecSchema, type RunSpec } from '../domain/run-spec.js';
import {
  ClientMessageSchema,
  PROTOCOL_VERSION,
  ServerMessageSchema,
  type ClientMessage,
  type ServerMessage,
  type Unversioned,
} from './messages.js';

export type Decoded<M> = { ok: true; message: M } | { ok: false; error: string };

function decodeWith<M>(schema: z.ZodType<M>, raw: string): Decoded<M> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, error: 'message is not valid JSON' };
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const version = (json.value as { v?: unknown } | null)?.v;
  if (version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: `unsupported protocol version ${JSON.stringify(version)} (this end speaks ${PROTOCOL_VERSION})`,
    };
  }
  return { ok: false, error: describeIssues(parsed.error) };
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
}

/**
 * A run spec on its own, as `POST /api/runs` takes it: the `spec` of `run.submit`, checked by the same schema.
 * It carries no version: the HTTP API is the server's own, and changes with it.
 */
export function decodeRunSpec(raw: string): Decoded<RunSpec> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, error: 'the body is not valid JSON' };
  const parsed = RunSpecSchema.safeParse(json.value);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: describeIssues(parsed.error) };
}

export const decodeClientMessage = (raw: string): Decoded<ClientMessage> => decodeWith(ClientMessageSchema, raw);
export const decodeServerMessage = (raw: string): Decoded<ServerMessage> => decodeWith(ServerMessageSchema, raw);

export function encodeMessage(message: Unversioned<ClientMessage> | Unversioned<ServerMessage>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...message });
}
