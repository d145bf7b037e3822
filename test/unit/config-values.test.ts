import { describe, expect, it } from 'vitest';
import { DEFAULTS, MIN_DEADLINE_MARGIN_MS } from '../../src/config.js';

// The settings' defaults, by their values: each is written out here, so a changed default fails.

describe('Constant: DEFAULTS', () => {
  it('holds the documented defaults', () => {
    // Assess
    expect(DEFAULTS).toEqual({
      EXEMPT_TAG_KEY: 'ingestion-guard:exempt-until',
      DRY_RUN: false,
      MAX_ATTEMPTS: 5,
      READ_MAX_ATTEMPTS: 10,
      RETRY_BASE_DELAY_MS: 200,
      RETRY_MAX_DELAY_MS: 5_000,
      DEADLINE_MARGIN_MS: 2_000,
      STORE_CONCURRENCY: 10,
      VERIFY_TIMEOUT_MS: 20_000,
      VERIFY_INTERVAL_MS: 1_000,
      IDEMPOTENCY_EXPIRY_SECONDS: 3_600,
      RESTORE_DELETED: false,
      ENFORCE_TERMINATION_PROTECTION: false,
      MAX_EXEMPTION_HOURS: 72,
      SECURITY_HUB: false,
      RESTOP_THRESHOLD: 3,
      RESTOP_WINDOW_MINUTES: 60,
    });
  });

  it('keeps the smallest DEADLINE_MARGIN_MS at 200 ms', () => {
    // Assess
    expect(MIN_DEADLINE_MARGIN_MS).toBe(200);
  });
});
