/**
 * A short soak (the long one is `npm run soak`): sweeps and incidents over HTTP with 30%
 * transient faults on every operation. What must never happen, never happens.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../support/soak.js';

describe('Soak: the use case over HTTP under 30% transient faults', () => {
  it('never reports a false failure, never fails silently, never starts a store twice or one it must not, never overruns', async () => {
    // Act
    const figures = await runSoak({ rounds: 15, faultRate: 0.3, seed: 7 });

    // Assess
    expect(figures.faultsInjected).toBeGreaterThan(0);
    expect(figures).toMatchObject({
      rounds: 15,
      falseFailures: 0,
      silentFailures: 0,
      doubleStarts: 0,
      forbiddenStarts: 0,
      overruns: 0,
    });
    expect(figures.resumed).toBeGreaterThan(0);
  });
});
