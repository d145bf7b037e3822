/** The exempt tag: an ISO-8601 time until which the guard leaves a store stopped. Pure. */
import type { Finding } from './types.js';

export interface Exemption {
  readonly exempt: boolean;
  /** An exemption that ends further ahead than allowed: `exemption-too-long`. */
  readonly finding?: Finding;
  /** The tag could not be read. */
  readonly warning?: string;
}

const HOUR_MS = 3_600_000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isIsoTimestamp(value: string): boolean {
  return ISO_8601.test(value);
}

function tooLong(value: string, key: string, maxHours: number): Finding {
  return {
    kind: 'exemption-too-long',
    field: key,
    after: value,
    severity: 'HIGH',
    detail: `the exemption ends more than MAX_EXEMPTION_HOURS (${maxHours} h) from now: ignored`,
  };
}

/**
 * A store is exempt while its tag holds a time that is ahead of `now` by at most `maxHours`. A
 * value that is no ISO-8601 time is ignored with a warning; one too far ahead is ignored with a
 * finding; one in the past is simply over.
 */
export function readExemption(
  value: string | undefined,
  key: string,
  now: Date,
  maxHours: number,
): Exemption {
  if (value === undefined) return { exempt: false };
  const text = value.trim();
  const until = isIsoTimestamp(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(until)) {
    return { exempt: false, warning: `tag ${key}="${value}" is not an ISO-8601 time: ignored` };
  }
  if (until <= now.getTime()) return { exempt: false };
  if (until - now.getTime() > maxHours * HOUR_MS) {
    return { exempt: false, finding: tooLong(value, key, maxHours) };
  }
  return { exempt: true };
}
