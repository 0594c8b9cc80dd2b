/** Quotes a value for POSIX sh so that spaces, quotes and non-ASCII letters pass through as one word. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
