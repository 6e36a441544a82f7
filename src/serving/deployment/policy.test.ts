import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import type { TrafficPolicy } from './deployment.js';
import { checkDeploymentName, promote, rollback, stableWeight, validatePolicy } from './policy.js';

/** The code and field of the error `fn` throws. */
function failure(fn: () => unknown): { code: string; field?: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    if (isPaddockError(err)) return { code: err.code, field: err.details.field, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

const canary: TrafficPolicy = { stable: '1', candidates: [{ version: '2', weight: 10 }, { version: '3', weight: 5 }], mirror: { version: '4', percent: 100 }, sticky: { column: 'user_id' } };

describe('validatePolicy', () => {
  it('accepts a full policy and returns a clean copy', () => {
    expect(validatePolicy({ ...canary, extra: 1 })).toEqual(canary);
    expect(validatePolicy({ stable: '7' })).toEqual({ stable: '7', candidates: [] });
    expect(validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 60 }, { version: '3', weight: 40 }] }).candidates).toHaveLength(2);
    expect(validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 0 }], mirror: { version: '2', percent: 0 } }).mirror).toEqual({ version: '2', percent: 0 });
  });

  it('rejects weights outside 0..100 or summing over 100, naming the field', () => {
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 101 }] }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'policy.candidates[0].weight' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: -1 }] })).code).toBe('INVALID_ARGUMENT');
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: Number.NaN }] })).code).toBe('INVALID_ARGUMENT');
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: '10' }] })).code).toBe('INVALID_ARGUMENT');
    const over = failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 60 }, { version: '3', weight: 40.5 }] }));
    expect(over).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'policy.candidates' });
    expect(over.message).toMatch(/100\.5%/);
  });

  it('rejects empty versions, a candidate equal to stable, duplicates and a bad mirror', () => {
    expect(failure(() => validatePolicy({ stable: '', candidates: [] }))).toMatchObject({ field: 'policy.stable' });
    expect(failure(() => validatePolicy({ candidates: [] }))).toMatchObject({ field: 'policy.stable' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: ' ', weight: 1 }] }))).toMatchObject({ field: 'policy.candidates[0].version' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '1', weight: 10 }] })).message).toMatch(/stable/);
    expect(failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 1 }, { version: '2', weight: 1 }] })).message).toMatch(/twice/);
    expect(failure(() => validatePolicy({ stable: '1', candidates: [], mirror: { version: '2', percent: 100.1 } }))).toMatchObject({ field: 'policy.mirror' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [], mirror: { version: '1', percent: 10 } }))).toMatchObject({ field: 'policy.mirror' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [], sticky: { header: 'a', column: 'b' } }))).toMatchObject({ field: 'policy.sticky' });
    expect(failure(() => validatePolicy({ stable: '1', candidates: [], sticky: { header: '' } }))).toMatchObject({ field: 'policy.sticky' });
    expect(failure(() => validatePolicy(null)).code).toBe('INVALID_ARGUMENT');
  });

  it('names the fields as the caller calls them (CLI flags)', () => {
    const flags = { stable: '--stable', candidates: '--canary', mirror: '--mirror', sticky: '--sticky-header/--sticky-column' };
    const err = failure(() => validatePolicy({ stable: '1', candidates: [{ version: '2', weight: 150 }] }, flags));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field: '--canary' });
    expect(err.message).toMatch(/^--canary: /);
    expect(failure(() => validatePolicy({ stable: '1', candidates: [], mirror: { version: '3', percent: 200 } }, flags)).field).toBe('--mirror');
  });
});

describe('promote and rollback', () => {
  it('promote: the first candidate becomes stable, no candidates left, sticky kept', () => {
    expect(promote(canary)).toEqual({ stable: '2', candidates: [], mirror: { version: '4', percent: 100 }, sticky: { column: 'user_id' } });
    // A mirror of the promoted version would mirror stable to itself: dropped.
    expect(promote({ stable: '1', candidates: [{ version: '2', weight: 50 }], mirror: { version: '2', percent: 10 } })).toEqual({ stable: '2', candidates: [] });
    expect(failure(() => promote({ stable: '1', candidates: [] })).code).toBe('INVALID_STATE');
  });

  it('rollback: all traffic to the previous stable', () => {
    expect(rollback(canary, '0')).toEqual({ stable: '0', candidates: [], sticky: { column: 'user_id' } });
    expect(stableWeight(rollback(canary, '0'))).toBe(100);
    expect(failure(() => rollback(canary, '')).code).toBe('INVALID_ARGUMENT');
  });

  it('stableWeight is what the candidates leave', () => {
    expect(stableWeight(canary)).toBe(85);
  });
});

describe('checkDeploymentName', () => {
  it('accepts URL-safe names and rejects others', () => {
    expect(checkDeploymentName('churn-api.v2_eu')).toBe('churn-api.v2_eu');
    for (const bad of ['', '-x', 'a b', 'a/b', 'x'.repeat(129), 3]) expect(failure(() => checkDeploymentName(bad)).code).toBe('INVALID_ARGUMENT');
  });
});
