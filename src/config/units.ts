/**
 * The units people type: durations as `90s`, `5m`, `1h30m`, `250ms` or plain seconds; memory as container engines take it
 * (`512m`, `1g`, `65536k`, bytes); CPUs as a decimal count (`1.5`). Each parser returns undefined for a value it
 * cannot read, and the caller names the option in its error.
 */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return positive(Number(trimmed) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * DURATION_UNITS[unit!]!;
  return positive(total);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)b?$/i.exec(text.trim());
  if (!match) return undefined;
  return positive(Number(match[1]) * MEMORY_UNITS[match[2]!.toLowerCase()]!);
}

export function parseCpus(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return positive(Number(text) * 1e9);
}

function positive(value: number): number | undefined {
  const rounded = Math.round(value);
  return Number.isFinite(rounded) && rounded > 0 ? rounded : undefined;
}

/** A grace period in whole seconds: 0 (kill at once) or a duration of at most an hour, rounded up. */
export function parseGrace(text: string): number | undefined {
  if (/^0+(\.0*)?(ms|s|m|h)?$/.test(text.trim())) return 0;
  const ms = parseDuration(text);
  return ms === undefined || ms > 3_600_000 ? undefined : Math.ceil(ms / 1000);
}
