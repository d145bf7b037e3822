import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../local/env-file.js';

const DECLARED = ['DRY_RUN', 'MAX_ATTEMPTS', 'OPT_IN_TAG', 'IDEMPOTENCY_TABLE'];

describe('Function: parseEnvFile', () => {
  it("merges Parameters, then the function's section, as strings", () => {
    // Act
    const env = parseEnvFile(
      {
        Parameters: { DRY_RUN: true, MAX_ATTEMPTS: 3 },
        IngestionGuardFunction: { MAX_ATTEMPTS: 7 },
      },
      DECLARED,
    );

    // Assess
    expect(env).toEqual({ DRY_RUN: 'true', MAX_ATTEMPTS: '7' });
  });

  it.each([
    ['DRYRUN', 'DRY_RUN'],
    ['MAX_ATTEMTPS', 'MAX_ATTEMPTS'],
    ['dry_run', 'DRY_RUN'],
    ['IDEMPOTENCY_TABEL', 'IDEMPOTENCY_TABLE'],
  ])('rejects the undeclared key %s, suggesting %s', (key, closest) => {
    // Act
    const parse = () => parseEnvFile({ IngestionGuardFunction: { [key]: 'x' } }, DECLARED);

    // Assess
    expect(parse).toThrow(`"${key}" in "IngestionGuardFunction" is not a variable`);
    expect(parse).toThrow(`(did you mean ${closest}?)`);
  });

  it('rejects an undeclared key with no close name without a suggestion', () => {
    // Act
    const parse = () => parseEnvFile({ Parameters: { SOMETHING_ELSE: 'x' } }, DECLARED);

    // Assess
    expect(parse).toThrow(/"SOMETHING_ELSE" in "Parameters" is not a variable [^(]*$/);
  });

  it('accepts any key when no declared variables are given', () => {
    expect(parseEnvFile({ Parameters: { ANYTHING: 'x' } })).toEqual({ ANYTHING: 'x' });
  });

  it.each([
    [[], 'must be a JSON object'],
    [{ Parameters: [] }, '"Parameters" must be an object of variables'],
    [{ Parameters: { DRY_RUN: { nested: true } } }, '"Parameters.DRY_RUN" must be a string'],
  ])('rejects %j', (json, message) => {
    expect(() => parseEnvFile(json, DECLARED)).toThrow(message);
  });
});
