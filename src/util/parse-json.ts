/** JSON.parse for text from outside: malformed text is `undefined`, for the schema that checks it to refuse. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
