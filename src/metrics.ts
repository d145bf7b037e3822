/** How a result is counted in CloudWatch (embedded metric format, no API calls). */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { isAboveInformational } from './drift.js';
import type { Action, ResumeResult } from './types.js';

/** The metric each store action counts in. */
export const ACTION_METRICS = {
  resumed: 'StoresResumed',
  'would-resume': 'StoresWouldResume',
  restored: 'StoresRestored',
  'would-restore': 'StoresWouldRestore',
  protected: 'StoresProtected',
  skipped: 'StoresSkipped',
  failed: 'ResumeFailures',
} as const satisfies Record<Action, string>;

type MetricsLike = Pick<Metrics, 'addMetric' | 'singleMetric'>;
type SingleMetric = ReturnType<MetricsLike['singleMetric']>;

/**
 * The single-metric instance that writes the per-reason records, one per `Metrics`, made on first
 * use and then reused: `singleMetric()` builds a whole new `Metrics` (a `Console`, every
 * environment setting read again), which cost more than the rest of the recording. Reuse is
 * safe: a single-metric instance publishes on every `addMetric` and then clears its metrics and
 * the dimension added for it, keeping only the defaults copied from its parent at creation.
 */
const reasonRecorders = new WeakMap<MetricsLike, SingleMetric>();

function reasonRecorder(metrics: MetricsLike): SingleMetric {
  let recorder = reasonRecorders.get(metrics);
  if (recorder === undefined) {
    recorder = metrics.singleMetric();
    reasonRecorders.set(metrics, recorder);
  }
  return recorder;
}

/**
 * Totals per action with the default dimensions only (alarms watch these), and the same
 * metrics per reason, one EMF record per distinct (action, reason).
 */
export function recordResult(metrics: MetricsLike, result: ResumeResult): void {
  // A store protected besides being resumed or restored counts as protected too.
  const alsoProtected = result.stores.filter((s) => s.protected && s.action !== 'protected');
  for (const [action, name] of Object.entries(ACTION_METRICS)) {
    const extra = action === 'protected' ? alsoProtected.length : 0;
    metrics.addMetric(name, 'Count', result.summary[summaryKey(action as Action)] + extra);
  }
  recordFindings(metrics, result);
  const escalated = result.stores.filter((s) =>
    (s.findings ?? []).some((f) => f.kind === 'repeated-stops'),
  );
  metrics.addMetric('RestopEscalations', 'Count', escalated.length);
  const byReason = new Map<string, number>();
  for (const store of result.stores) {
    const key = `${store.action}\u0000${store.reason}`;
    byReason.set(key, (byReason.get(key) ?? 0) + 1);
  }
  if (byReason.size === 0) return;
  const single = reasonRecorder(metrics);
  for (const [key, count] of byReason) {
    const [action = '', reason = ''] = key.split('\u0000');
    single.addDimension('reason', reason);
    single.addMetric(ACTION_METRICS[action as Action], 'Count', count);
  }
}

/**
 * `DriftFindings`: the total with the default dimensions (the alarm watches it), and one record
 * per kind with the dimension `kind`. Findings of severity INFORMATIONAL (a baseline recorded)
 * are not drift and are not counted.
 */
function recordFindings(metrics: MetricsLike, result: ResumeResult): void {
  const byKind = new Map<string, number>();
  for (const finding of result.stores.flatMap((s) => s.findings ?? [])) {
    if (isAboveInformational(finding))
      byKind.set(finding.kind, (byKind.get(finding.kind) ?? 0) + 1);
  }
  const total = [...byKind.values()].reduce((sum, n) => sum + n, 0);
  metrics.addMetric(DRIFT_METRIC, 'Count', total);
  if (byKind.size === 0) return;
  const single = reasonRecorder(metrics);
  for (const [kind, count] of byKind) {
    single.addDimension('kind', kind);
    single.addMetric(DRIFT_METRIC, 'Count', count);
  }
}

export const DRIFT_METRIC = 'DriftFindings';

function summaryKey(action: Action): keyof ResumeResult['summary'] {
  if (action === 'would-resume') return 'wouldResume';
  if (action === 'would-restore') return 'wouldRestore';
  return action;
}
