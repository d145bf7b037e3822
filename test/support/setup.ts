import { afterEach, beforeEach } from 'vitest';

// Every test starts from the same environment and leaves none of its own behind.
const snapshot = { ...process.env };

beforeEach(() => {
  process.env.AWS_REGION = 'us-east-1';
  process.env.POWERTOOLS_DEV = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
});

afterEach(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in snapshot)) delete process.env[key];
  }
  Object.assign(process.env, snapshot);
});
