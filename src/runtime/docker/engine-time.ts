/** An engine timestamp (RFC 3339, as a network's Created or a service's CreatedAt) as `{ createdAt }` in ms, or nothing. */
export function createdAtOf(text: string | undefined): { createdAt?: number } {
  const time = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(time) ? {} : { createdAt: time };
}
