import { describe, expect, it } from 'vitest';
import { parseCpus, parseDuration, parseMemory } from '../../src/config/units.js';

describe('units', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['45', 45_000],
    ['1.5s', 1500],
  ])('reads the duration %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '5 minutes', '-3s', '0', '5x'])('refuses the duration %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('reads memory like docker and CPUs as billionths', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 ** 2);
    expect(parseMemory('1G')).toBe(1024 ** 3);
    expect(parseMemory('2048')).toBe(2048);
    expect(parseMemory('lots')).toBeUndefined();
    expect(parseCpus('1.5')).toBe(1_500_000_000);
    expect(parseCpus('two')).toBeUndefined();
  });
});
