import type { z } from 'zod';
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
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not valid JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: `unsupported protocol version ${JSON.stringify(version)} (this end speaks ${PROTOCOL_VERSION})`,
    };
  }
  return { ok: false, error: describeIssues(parsed.error) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
}

export const decodeClientMessage = (raw: string): Decoded<ClientMessage> => decodeWith(ClientMessageSchema, raw);
export const decodeServerMessage = (raw: string): Decoded<ServerMessage> => decodeWith(ServerMessageSchema, raw);

export function encodeMessage(message: Unversioned<ClientMessage> | Unversioned<ServerMessage>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...message });
}
