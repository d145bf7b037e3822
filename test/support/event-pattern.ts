/**
 * A small EventBridge event-pattern matcher: enough of the content-filtering rules to evaluate
 * the template's rule against the sample events offline. It throws on any operator it does not
 * implement, so a pattern it cannot judge never passes silently.
 *
 * Rules implemented (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * - every field of the pattern must match (AND); fields of the event not in the pattern are ignored;
 * - a nested object in the pattern matches a nested object in the event;
 * - a leaf is an array of alternatives (OR); an event value that is an array matches when any of
 *   its elements does;
 * - alternatives: literal strings, numbers, booleans and null (exact, case-sensitive),
 *   `{ "exists": true | false }`, `{ "prefix": "…" }`, `{ "suffix": "…" }`,
 *   `{ "anything-but": literal | literal[] }`;
 * - `"$or": [pattern, …]` as a field: the object matches when any of the patterns does.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isLiteral = (value: unknown): value is null | boolean | number | string =>
  value === null || ['boolean', 'number', 'string'].includes(typeof value);

/** Does `event` match `pattern`? Throws `TypeError` on a malformed or unsupported pattern. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new TypeError('an event pattern must be an object');
  return matchObject(pattern, event, '');
}

function matchObject(pattern: Record<string, unknown>, value: unknown, path: string): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or') return matchAny(rule, value, path);
    const fieldPath = path === '' ? field : `${path}.${field}`;
    const fieldValue = isObject(value) ? value[field] : undefined;
    if (Array.isArray(rule)) return matchLeaf(rule, fieldValue, fieldPath);
    if (isObject(rule)) return matchObject(rule, fieldValue, fieldPath);
    throw new TypeError(`pattern field "${fieldPath}" must be an array or an object`);
  });
}

function matchAny(patterns: unknown, value: unknown, path: string): boolean {
  if (!Array.isArray(patterns) || patterns.length < 2 || !patterns.every(isObject)) {
    throw new TypeError(`"${path}": $or takes an array of at least two patterns`);
  }
  return patterns.some((pattern) => matchObject(pattern, value, path));
}

function matchLeaf(alternatives: readonly unknown[], value: unknown, path: string): boolean {
  if (alternatives.length === 0) throw new TypeError(`pattern field "${path}" is an empty array`);
  const values: readonly unknown[] = Array.isArray(value) ? value : [value];
  return alternatives.some((alternative) => {
    if (isObject(alternative)) return matchOperator(alternative, value, values, path);
    if (!isLiteral(alternative)) {
      throw new TypeError(`pattern field "${path}" holds an unsupported value`);
    }
    return values.some((item) => item === alternative);
  });
}

function matchOperator(
  operator: Record<string, unknown>,
  value: unknown,
  values: readonly unknown[],
  path: string,
): boolean {
  const [name, ...more] = Object.keys(operator);
  if (name === undefined || more.length > 0) {
    throw new TypeError(`pattern field "${path}": an operator object holds exactly one operator`);
  }
  const argument = operator[name];
  switch (name) {
    case 'exists':
      if (typeof argument !== 'boolean') throw new TypeError(`"${path}": exists takes a boolean`);
      // Exists matching works on leaves only: an object is not a present leaf.
      return argument === (value !== undefined && !isObject(value));
    case 'prefix':
      if (typeof argument !== 'string') throw new TypeError(`"${path}": prefix takes a string`);
      return values.some((item) => typeof item === 'string' && item.startsWith(argument));
    case 'suffix':
      if (typeof argument !== 'string') throw new TypeError(`"${path}": suffix takes a string`);
      return values.some((item) => typeof item === 'string' && item.endsWith(argument));
    case 'anything-but': {
      const excluded: readonly unknown[] = Array.isArray(argument) ? argument : [argument];
      if (!excluded.every(isLiteral)) {
        throw new TypeError(`"${path}": only literal anything-but is supported`);
      }
      return (
        value !== undefined && values.every((item) => !excluded.some((other) => other === item))
      );
    }
    default:
      throw new TypeError(`pattern field "${path}": unsupported operator "${name}"`);
  }
}
