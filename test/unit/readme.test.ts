import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../src/config.js';
import { ACTION_METRICS } from '../../src/metrics.js';
import { API_ERRORS } from '../../src/retry-policy.js';
import { ACTIONS, REASONS } from '../../src/types.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(Object.values(REASONS))('documents the reason code %s', (reason) => {
    expect(readme).toContain(`\`${reason}\``);
  });

  it.each(Object.keys(API_ERRORS))('explains the API error %s and what to do about it', (name) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row, `no error table row for ${name}`).toBeDefined();
    const info = API_ERRORS[name as keyof typeof API_ERRORS];
    expect(row).toContain(info.meaning);
    expect(row).toContain(info.operatorAction);
  });

  it.each([...ENV_VARS])('documents the setting %s', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
  });

  it.each([...ACTIONS, ...Object.values(ACTION_METRICS), 'InvalidTriggers'])(
    'names the action or metric %s',
    (name) => {
      expect(readme).toContain(name);
    },
  );

  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
