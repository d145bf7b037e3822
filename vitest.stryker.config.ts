import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the pure core (policy, retry policy, identifiers, trigger, config, the
 * integrity checks, the incident), for mutation testing (`npm run mutate`): fast, and no other
 * test is needed to kill its mutants.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/policy.test.ts',
      'test/unit/retry-policy.test.ts',
      'test/unit/identifiers.test.ts',
      'test/unit/trigger.test.ts',
      'test/unit/config.test.ts',
      'test/unit/*-values.test.ts',
      'test/unit/trigger-adversarial.test.ts',
      'test/unit/drift.test.ts',
      'test/unit/selectors.test.ts',
      'test/unit/exemption.test.ts',
      'test/unit/integrity.test.ts',
      'test/unit/incident.test.ts',
    ],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
  },
});
