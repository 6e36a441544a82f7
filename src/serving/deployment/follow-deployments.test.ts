import { describe, expect, it } from 'vitest';
import { fail } from '../../core/errors.js';
import type { Deployment } from './deployment.js';
import { followDeployments } from './follow-deployments.js';

const deployment = (revision: number): Deployment => ({ name: 'dep', model: 'm', revision, policy: { stable: '1', candidates: [] } } as unknown as Deployment);

describe('followDeployments', () => {
  it('applies changed revisions, and stops routing a deployment deleted from the store', async () => {
    let stored: Deployment | undefined = deployment(1);
    const calls: string[] = [];
    const router = {
      apply: async (d: { name: string; policy: unknown }) => void calls.push(`apply ${d.name}`),
      remove: (name: string) => (calls.push(`remove ${name}`), true),
    };
    const store = { get: async (name: string) => stored ?? fail('NOT_FOUND', `deployment '${name}' not found`, { name }) };
    const removed: string[] = [];
    const stop = await followDeployments({ store, router, names: ['dep'], intervalMs: 5, onRemoved: (n) => removed.push(n) });
    try {
      expect(calls).toEqual(['apply dep']);
      stored = deployment(2);
      while (calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      stored = undefined;
      while (removed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Removed once, not on every tick while it stays deleted.
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(calls).toEqual(['apply dep', 'apply dep', 'remove dep']);
      expect(removed).toEqual(['dep']);
      stored = deployment(1);
      while (calls.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(calls[3]).toBe('apply dep');
    } finally {
      stop();
    }
  });

  it('a deployment missing at start is the caller\'s error', async () => {
    const store = { get: async (name: string) => fail('NOT_FOUND', `deployment '${name}' not found`, { name }) };
    await expect(followDeployments({ store, router: { apply: async () => undefined, remove: () => false }, names: ['dep'] })).rejects.toThrow(/not found/);
  });
});
