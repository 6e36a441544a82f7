import { describe, expect, it } from 'vitest';
import { deploymentRoles, parsePolicy } from '../../web/src/pages/models/deployment-roles.js';

/** The audit table's reading of a deployment event's policies (web/src/pages/models/deployment-roles.ts). */
describe('model audit log: versions of a deployment event', () => {
  it('parses the policy text the audit log writes, skipping sticky routing', () => {
    expect(parsePolicy('stable 1, canary 2@25%, mirror 3@100%, sticky header x-user')).toEqual([
      { role: 'stable', version: '1' }, { role: 'canary', version: '2', percent: 25 }, { role: 'mirror', version: '3', percent: 100 },
    ]);
    expect(parsePolicy(undefined)).toEqual([]);
  });

  it('names each version by role with what the event changed', () => {
    // created
    expect(deploymentRoles(undefined, 'stable 1')).toEqual([{ role: 'stable', version: '1', change: 'added' }]);
    // a canary added, then stepped
    expect(deploymentRoles('stable 1', 'stable 1, canary 2@0%')).toEqual([
      { role: 'stable', version: '1', change: 'kept' }, { role: 'canary', version: '2', percent: 0, change: 'added' },
    ]);
    expect(deploymentRoles('stable 1, canary 2@25%', 'stable 1, canary 2@50%')[1]).toEqual({ role: 'canary', version: '2', percent: 50, percentBefore: 25, change: 'changed' });
    // promoted: the canary is the new stable, not listed as removed
    expect(deploymentRoles('stable 1, canary 2@100%', 'stable 2')).toEqual([{ role: 'stable', version: '2', before: '1', change: 'changed' }]);
    // rolled back: the canary is removed
    expect(deploymentRoles('stable 2, canary 3@10%', 'stable 2')).toEqual([
      { role: 'stable', version: '2', change: 'kept' }, { role: 'canary', version: '3', percent: 10, change: 'removed' },
    ]);
    // deleted: every version it served is removed
    expect(deploymentRoles('stable 2, mirror 3@50%', undefined)).toEqual([
      { role: 'stable', version: '2', change: 'removed' }, { role: 'mirror', version: '3', percent: 50, change: 'removed' },
    ]);
  });
});
