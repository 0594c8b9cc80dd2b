import { describe, expect, it } from 'vitest';
import { lookUpRun } from '../../src/server/http/run-lookup.js';

const a = '3f2c1111-0000-4000-8000-000000000000';
const b = '3f2c2222-0000-4000-8000-000000000000';
const c = '9e00aaaa-0000-4000-8000-000000000000';

describe('a run id by unique prefix', async () => {
  it('takes a whole id as it is, known or not, in any case', async () => {
    expect(await lookUpRun(a, async () => [])).toEqual({ kind: 'found', runId: a });
    expect(await lookUpRun(a.toUpperCase(), async () => [a])).toEqual({ kind: 'found', runId: a });
  });

  it('takes a prefix of 4 characters or more that one known run starts with', async () => {
    expect(await lookUpRun('3f2c1', async () => [a, b, c])).toEqual({ kind: 'found', runId: a });
    expect(await lookUpRun('9E00', async () => [a, b, c, c])).toEqual({ kind: 'found', runId: c });
  });

  it('lists the runs an ambiguous prefix matches, on one line', async () => {
    expect(await lookUpRun('3f2c', async () => [b, a, c])).toEqual({
      kind: 'ambiguous',
      message: `run id prefix 3f2c matches 2 runs: ${a}, ${b}`,
      candidates: [a, b],
    });
  });

  it('says why a reference names no run: too short, not an id, or unknown', async () => {
    expect(await lookUpRun('3f2', async () => [a])).toMatchObject({
      kind: 'none',
      message: expect.stringMatching(/too short/),
    });
    expect(await lookUpRun('../x', async () => [a])).toMatchObject({
      kind: 'none',
      message: expect.stringMatching(/not a run id/),
    });
    expect(await lookUpRun('abcd', async () => [a])).toEqual({ kind: 'none', message: 'no run abcd' });
  });
});
