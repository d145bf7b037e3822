/**
 * Advanced event selectors compared by what they select: a canonical form that ignores order,
 * names and repeated values, and the ways one configuration selects less than another. Pure.
 */
import { type EventSelector, type FieldSelector, FIELD_OPERATORS as OPERATORS } from './types.js';

type Operator = (typeof OPERATORS)[number];

/** Operators that include events: a field restricted by them selects only what they match. */
const INCLUDING = ['Equals', 'StartsWith', 'EndsWith'] as const;
/** Operators that exclude events. */
const EXCLUDING = ['NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;

/** Whether `value` matches `pattern` under the operator (negation aside). */
const MATCHES: Readonly<Record<Operator, (value: string, pattern: string) => boolean>> = {
  Equals: (value, pattern) => value === pattern,
  StartsWith: (value, pattern) => value.startsWith(pattern),
  EndsWith: (value, pattern) => value.endsWith(pattern),
  NotEquals: (value, pattern) => value === pattern,
  NotStartsWith: (value, pattern) => value.startsWith(pattern),
  NotEndsWith: (value, pattern) => value.endsWith(pattern),
};

/**
 * The operators whose conditions can stand for a condition of this operator: `Equals "abc"` is
 * matched by `StartsWith "ab"`, `NotStartsWith "ab"` excludes at least what `NotStartsWith "abc"` does.
 */
const COVERED_BY: Readonly<Record<Operator, readonly Operator[]>> = {
  Equals: ['Equals', 'StartsWith', 'EndsWith'],
  StartsWith: ['StartsWith'],
  EndsWith: ['EndsWith'],
  NotEquals: ['NotEquals', 'NotStartsWith', 'NotEndsWith'],
  NotStartsWith: ['NotStartsWith'],
  NotEndsWith: ['NotEndsWith'],
};

/** Every condition on one field of one selector, by operator. */
type Conditions = Readonly<Record<Operator, readonly string[]>>;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const canonical = (value: EventSelector | FieldSelector): string => JSON.stringify(value);

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}

/** The field selector with its operators in a fixed order, values sorted, empty lists dropped. */
function normalizeField(selector: FieldSelector): FieldSelector {
  const normal: { Field: string } & Partial<Record<Operator, string[]>> = {
    Field: selector.Field,
  };
  for (const operator of OPERATORS) {
    const values = sortedUnique(selector[operator] ?? []);
    if (values.length > 0) normal[operator] = values;
  }
  return normal;
}

function compareFields(a: FieldSelector, b: FieldSelector): number {
  return compareText(a.Field, b.Field) || compareText(canonical(a), canonical(b));
}

/**
 * The canonical form of a store's selectors: names dropped, field selectors sorted by field (then
 * content), every operator's values sorted and de-duplicated, empty operators dropped, selectors
 * sorted by their canonical JSON.
 */
export function normalizeSelectors(selectors: readonly EventSelector[]): EventSelector[] {
  return selectors
    .map((selector) => ({
      FieldSelectors: selector.FieldSelectors.map(normalizeField).sort(compareFields),
    }))
    .sort((a, b) => compareText(canonical(a), canonical(b)));
}

/** The two configurations select the same events, as far as their canonical forms tell. */
export function sameSelectors(a: readonly EventSelector[], b: readonly EventSelector[]): boolean {
  return JSON.stringify(normalizeSelectors(a)) === JSON.stringify(normalizeSelectors(b));
}

/** The conditions of every field selector on `field` in the selector, merged. */
function conditionsOn(selector: EventSelector, field: string): Conditions {
  const on = selector.FieldSelectors.filter((f) => f.Field === field);
  const merged = (operator: Operator) => on.flatMap((f) => f[operator] ?? []);
  return {
    Equals: merged('Equals'),
    StartsWith: merged('StartsWith'),
    EndsWith: merged('EndsWith'),
    NotEquals: merged('NotEquals'),
    NotStartsWith: merged('NotStartsWith'),
    NotEndsWith: merged('NotEndsWith'),
  };
}

/** A condition `operator value` is implied by one of `conditions`. */
function isCovered(operator: Operator, value: string, conditions: Conditions): boolean {
  return COVERED_BY[operator].some((other) =>
    conditions[other].some((pattern) => MATCHES[other](value, pattern)),
  );
}

function spell(conditions: Conditions, operators: readonly Operator[]): string {
  return operators
    .filter((operator) => conditions[operator].length > 0)
    .map((operator) => `${operator} ${JSON.stringify(conditions[operator])}`)
    .join(' or ');
}

const restricts = (conditions: Conditions): boolean =>
  INCLUDING.some((operator) => conditions[operator].length > 0);

/** The field now selects only what its including conditions match, and less than before. */
function includingNarrowing(field: string, before: Conditions, after: Conditions): string[] {
  if (!restricts(after)) return [];
  const restricted = `${field} is now restricted to ${spell(after, INCLUDING)}`;
  if (!restricts(before)) return [restricted];
  const lost = INCLUDING.some((operator) =>
    before[operator].some((value) => !isCovered(operator, value, after)),
  );
  return lost ? [`${restricted} (was ${spell(before, INCLUDING)})`] : [];
}

/** Each excluding operator with a value the before-selector did not exclude already. */
function excludingNarrowings(field: string, before: Conditions, after: Conditions): string[] {
  return EXCLUDING.flatMap((operator) => {
    const added = after[operator].filter((value) => !isCovered(operator, value, before));
    if (added.length === 0) return [];
    const values = added.map((value) => JSON.stringify(value)).join(', ');
    return [`a ${operator} condition on ${field} was added (${values})`];
  });
}

/** What selects less in `after` than in `before`, two selectors of the same kind. */
function selectorNarrowings(before: EventSelector, after: EventSelector): string[] {
  const fields = sortedUnique(after.FieldSelectors.map((f) => f.Field));
  return fields.flatMap((field) => {
    const was = conditionsOn(before, field);
    const now = conditionsOn(after, field);
    return [...includingNarrowing(field, was, now), ...excludingNarrowings(field, was, now)];
  });
}

function equalsOf(selector: EventSelector, field: string): readonly string[] {
  return conditionsOn(selector, field).Equals;
}

/** What a selector selects, in kind: its event category, and for data events its resource type. */
function kindOf(selector: EventSelector): string {
  const categories = equalsOf(selector, 'eventCategory');
  const kind = `eventCategory ${categories.join(', ')}`;
  if (!categories.includes('Data')) return kind;
  return `${kind}, resources.type ${equalsOf(selector, 'resources.type').join(', ')}`;
}

function categoriesOf(selectors: readonly EventSelector[]): string[] {
  return sortedUnique(selectors.flatMap((selector) => equalsOf(selector, 'eventCategory')));
}

interface Pairing {
  readonly pairs: readonly (readonly [EventSelector, EventSelector])[];
  /** Selectors of `before` no selector of `after` matches. */
  readonly removed: readonly EventSelector[];
}

/** Takes the element of `remaining` that `pick` chooses out of it; undefined when none. */
function take(
  remaining: EventSelector[],
  pick: (candidates: EventSelector[]) => number,
): EventSelector | undefined {
  const index = pick(remaining);
  return index === -1 ? undefined : remaining.splice(index, 1)[0];
}

/** Of the selectors of the same kind, the one that leaves the fewest narrowings; -1 when none. */
function closest(selector: EventSelector, candidates: readonly EventSelector[]): number {
  let best = -1;
  let fewest = Number.POSITIVE_INFINITY;
  candidates.forEach((candidate, index) => {
    if (kindOf(candidate) !== kindOf(selector)) return;
    const count = selectorNarrowings(selector, candidate).length;
    if (count < fewest) [best, fewest] = [index, count];
  });
  return best;
}

/** Identical selectors pair first; the rest pair by kind, each with its closest match. */
function pairSelectors(before: readonly EventSelector[], after: readonly EventSelector[]): Pairing {
  const remaining = [...after];
  const differing = before.filter(
    (selector) =>
      take(remaining, (all) => all.findIndex((s) => canonical(s) === canonical(selector))) ===
      undefined,
  );
  const pairs: [EventSelector, EventSelector][] = [];
  const removed: EventSelector[] = [];
  for (const selector of differing) {
    const match = take(remaining, (all) => closest(selector, all));
    if (match === undefined) removed.push(selector);
    else pairs.push([selector, match]);
  }
  return { pairs, removed };
}

/**
 * In words, what selects less from `before` to `after`: categories no longer selected, selectors
 * removed, fields newly restricted, exclusions added. Empty when nothing got narrower.
 */
export function narrowings(
  before: readonly EventSelector[],
  after: readonly EventSelector[],
): string[] {
  const was = normalizeSelectors(before);
  const now = normalizeSelectors(after);
  const selected = new Set(categoriesOf(now));
  const dropped = categoriesOf(was).filter((category) => !selected.has(category));
  const { pairs, removed } = pairSelectors(was, now);
  return [
    ...dropped.map((category) => `event category ${category} is no longer selected`),
    ...removed
      .filter((selector) => equalsOf(selector, 'eventCategory').every((c) => selected.has(c)))
      .map((selector) => `a selector was removed (${kindOf(selector)})`),
    ...pairs.flatMap(([from, to]) => selectorNarrowings(from, to)),
  ];
}
