/**
 * What the runner tells about each invocation's incident and notifications: the report's
 * `notifications`, and short lines for a human on stderr. A result given back from the
 * idempotency record repeats the notifications of the invocation that sent them: they are told
 * once, for the invocation that sent them.
 */
import type { Invocation } from './invoke-bundle.js';

/** One sink's report, as the function's result holds it. */
export interface NotificationReport {
  readonly sink: string;
  readonly ok: boolean;
  readonly sent?: unknown;
  readonly answer?: unknown;
  readonly errorName?: string;
  readonly errorMessage?: string;
}

/** A notification in the runner's report: which invocation (from 1) sent it. */
export type ReportedNotification = NotificationReport & { readonly invocation: number };

interface Told {
  readonly incident?: { readonly severity: string; readonly title: string };
  readonly notifications?: readonly NotificationReport[];
}

const toldBy = (invocation: Invocation): Told =>
  typeof invocation.result === 'object' && invocation.result !== null
    ? (invocation.result as Told)
    : {};

/** Each invocation's notifications, or undefined for one that repeats an earlier one's. */
function sentBy(invocations: readonly Invocation[]): (readonly NotificationReport[] | undefined)[] {
  const seen = new Set<string>();
  return invocations.map((invocation) => {
    const notifications = toldBy(invocation).notifications ?? [];
    const key = JSON.stringify(notifications);
    if (notifications.length > 0 && seen.has(key)) return undefined;
    seen.add(key);
    return notifications;
  });
}

/** Every notification sent, in the order of the invocations. */
export function notificationsOf(invocations: readonly Invocation[]): ReportedNotification[] {
  return sentBy(invocations).flatMap((notifications, i) =>
    (notifications ?? []).map((report) => ({ invocation: i + 1, ...report })),
  );
}

function sinkLine(report: NotificationReport): string {
  return report.ok
    ? `  ${report.sink}: sent, answer ${JSON.stringify(report.answer)}`
    : `  ${report.sink}: FAILED ${report.errorName}: ${report.errorMessage}`;
}

/** The lines for stderr: each invocation's incident (severity and title) and each sink's outcome. */
export function tellIncidents(invocations: readonly Invocation[]): string[] {
  const sent = sentBy(invocations);
  return invocations.flatMap((invocation, i) => {
    const { incident } = toldBy(invocation);
    const head = `invocation ${i + 1}: ${incident ? `incident ${incident.severity}: ${incident.title}` : 'no incident'}`;
    const notifications = sent[i];
    if (notifications === undefined) {
      return [`${head} (the stored result of an earlier invocation: nothing sent again)`];
    }
    return [head, ...notifications.map(sinkLine)];
  });
}
