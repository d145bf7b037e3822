/**
 * After the work: one incident for the invocation (when there is something to tell), sent to
 * every configured sink within the deadline. A sink that fails is logged (`error`) and counted
 * (`NotificationFailures`); it never fails the invocation.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Config } from './config.js';
import { isAboveInformational } from './drift.js';
import { buildIncident, type Incident } from './incident.js';
import { createNotifier, type Notifier, type SinkReport } from './notify/notify.js';
import type { Here, LoggerLike, ResumeRequest, ResumeResult } from './types.js';

export interface Told {
  readonly incident?: Incident;
  readonly notifications?: readonly SinkReport[];
}

export interface Invocation {
  readonly functionArn: string;
  readonly requestId: string;
  readonly here: Here;
  /** Milliseconds the sinks may take (the Lambda deadline less the margin). */
  readonly remainingMs: number;
}

export interface TellDeps {
  readonly config: Config;
  readonly logger: LoggerLike;
  readonly metrics: Pick<Metrics, 'addMetric'>;
}

/** The notifier, made on first use with the account the function runs in. */
let notifier: { readonly for: string; readonly notifier: Notifier | undefined } | undefined;

function notifierFor(config: Config, here: Here): Notifier | undefined {
  const key = `${here.partition}:${here.accountId}:${here.region}`;
  if (notifier?.for !== key) {
    const settings = {
      topicArn: config.notifyTopicArn,
      eventBus: config.notifyEventBus,
      securityHub: config.securityHub,
      ...here,
    };
    notifier = { for: key, notifier: createNotifier(settings) };
  }
  return notifier.notifier;
}

export async function tellHumans(
  result: ResumeResult,
  request: ResumeRequest,
  invocation: Invocation,
  deps: TellDeps,
): Promise<Told> {
  const { functionArn, requestId, here } = invocation;
  const incident = buildIncident({
    result,
    request,
    invocation: { functionArn, requestId },
    here,
    now: new Date(),
  });
  const sinks = notifierFor(deps.config, here);
  if (sinks === undefined) return incident === undefined ? {} : { incident };
  const deadline = AbortSignal.timeout(Math.max(1, invocation.remainingMs));
  const notifications = await sinks.notify(incident, healthyStores(result), deadline);
  reportNotifications(notifications, deps);
  return { ...(incident !== undefined && { incident }), notifications };
}

/** Stores seen ingesting with nothing found: their Security Hub findings are archived. */
function healthyStores(result: ResumeResult): string[] {
  return result.stores
    .filter((s) => s.action === 'skipped' && s.reason === 'already-ingesting')
    .filter((s) => !(s.findings ?? []).some(isAboveInformational))
    .map((s) => s.eventDataStore);
}

function reportNotifications(reports: readonly SinkReport[], deps: TellDeps): void {
  const failed = reports.filter((report) => !report.ok);
  for (const report of failed) {
    deps.logger.error('notification failed', {
      sink: report.sink,
      errorName: report.errorName,
      errorMessage: report.errorMessage,
      meaning: 'the incident did not reach this sink; the stores were handled all the same',
      operatorAction:
        "check the sink's setting and the function's permission to it; the incident is in this invocation's logs",
    });
  }
  deps.metrics.addMetric('NotificationFailures', 'Count', failed.length);
}
