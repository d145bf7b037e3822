import { describe, expect, it } from 'vitest';
import { readExemption } from '../../src/exemption.js';

const KEY = 'ingestion-guard:exempt-until';
const NOW = new Date('2026-11-25T03:00:00.000Z');
const MAX_HOURS = 24;

/** NOW moved by that many milliseconds, as the tag would hold it. */
function at(offsetMs: number): string {
  return new Date(NOW.getTime() + offsetMs).toISOString();
}

const HOUR = 3_600_000;

describe('Function: readExemption', () => {
  it.each<{ case: string; value: string; exempt: boolean }>([
    { case: 'one millisecond ahead', value: at(1), exempt: true },
    { case: 'an hour ahead', value: at(HOUR), exempt: true },
    { case: 'exactly the most hours ahead', value: at(MAX_HOURS * HOUR), exempt: true },
    {
      case: 'ahead, with an offset and surrounding spaces',
      value: ' 2026-11-25T05:00+01:00 ',
      exempt: true,
    },
    { case: 'ahead, with a negative offset', value: '2026-11-25T00:00:00.5-0400', exempt: true },
    { case: 'exactly now', value: at(0), exempt: false },
    { case: 'in the past', value: at(-1), exempt: false },
    { case: 'a day in the past', value: '2026-11-24', exempt: false },
  ])('a time $case: exempt $exempt, no finding, no warning', ({ value, exempt }) => {
    // Act
    const exemption = readExemption(value, KEY, NOW, MAX_HOURS);

    // Assess
    expect(exemption).toStrictEqual({ exempt });
  });

  it('is no exemption when the tag is absent', () => {
    expect(readExemption(undefined, KEY, NOW, MAX_HOURS)).toStrictEqual({ exempt: false });
  });

  it.each([at(MAX_HOURS * HOUR + 1), '2999-01-01T00:00:00Z'])(
    'is no exemption, and a HIGH finding, when it ends further ahead than allowed: %s',
    (value) => {
      // Act
      const exemption = readExemption(value, KEY, NOW, MAX_HOURS);

      // Assess
      expect(exemption).toStrictEqual({
        exempt: false,
        finding: {
          kind: 'exemption-too-long',
          field: KEY,
          after: value,
          severity: 'HIGH',
          detail: 'the exemption ends more than MAX_EXEMPTION_HOURS (24 h) from now: ignored',
        },
      });
    },
  );

  it('measures the limit in the hours it is given', () => {
    // Act
    const exemption = readExemption(at(2 * HOUR), KEY, NOW, 1);

    // Assess
    expect(exemption.exempt).toBe(false);
    expect(exemption.finding?.detail).toContain('(1 h)');
  });

  it.each([
    'soon',
    'tomorrow 10:00',
    '1764039600000',
    '2026-11-25 05:00:00',
    '2026-13-45T00:00:00Z',
    '',
  ])('is no exemption, with a warning, when the value is no ISO-8601 time: "%s"', (value) => {
    // Act
    const exemption = readExemption(value, KEY, NOW, MAX_HOURS);

    // Assess
    expect(exemption).toStrictEqual({
      exempt: false,
      warning: `tag ${KEY}="${value}" is not an ISO-8601 time: ignored`,
    });
  });
});
