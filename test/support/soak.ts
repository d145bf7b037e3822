/**
 * The soak: rounds of sweeps and incidents against the CloudTrail Lake emulator over HTTP, the
 * real SDK client and the real use case, with random transient faults on every operation. Each
 * round checks what the guard must never do, and the figures add up across rounds.
 * Used by `npm run soak` (long) and by a short run in `npm test`.
 */
import { seededRandom } from '../../bench/stats.js';
import { startEmulator } from '../../local/emulator.js';
import type { FaultRule } from '../../local/faults.js';
import type { StoreInput } from '../../local/stores-file.js';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { isIngesting } from '../../src/policy.js';
import { resumeIngestion } from '../../src/resume.js';
import { parseTrigger } from '../../src/trigger.js';
import type { ResumeResult } from '../../src/types.js';

export interface SoakOptions {
  readonly rounds: number;
  /** Share of requests that fail transiently, on every operation. */
  readonly faultRate: number;
  readonly seed: number;
  /** The function's settings, as env variables (defaults otherwise). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SoakFigures {
  rounds: number;
  /** Stopped, managed, not exempt stores, summed over rounds. */
  eligibleStoreRounds: number;
  resumed: number;
  /** Reported failed while it was ingesting. */
  falseFailures: number;
  /** Not ingesting, and not reported failed. */
  silentFailures: number;
  /** More than one Start applied to a store in one round. */
  doubleStarts: number;
  /** A Start sent to a store that is not eligible. */
  forbiddenStarts: number;
  /** A round that took longer than its time budget. */
  overruns: number;
  requests: number;
  faultsInjected: number;
  /** Requests applied whose answer was lost (a reset or a 503 after the operation). */
  lostAnswers: number;
  /** Up to 20 stores that did not end ingesting or were reported failed, with their calls. */
  examples: unknown[];
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TAG = { Key: 'ingestion-guard:managed', Value: 'true' };
const BUDGET_MS = 20_000;
const arnOf = (id: string) => `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${id}`;

/**
 * Transient faults adding up to `rate`, in five equal parts: a 503, a reset before the answer,
 * throttling, and two lost answers — a reset and a 503 after the operation was applied.
 */
export function transientFaults(rate: number): FaultRule[] {
  const each = 1 - (1 - rate) ** (1 / 5);
  return [
    { operation: '*', status: 503, rate: each },
    { operation: '*', reset: true, rate: each },
    { operation: '*', error: 'ThrottlingException', rate: each },
    { operation: '*', reset: true, after: true, rate: each },
    { operation: '*', status: 503, after: true, rate: each },
  ];
}

/** A call the store book applied: answered, or its answer lost after it (`…-after-ok`). */
const wasApplied = (outcome: string) => outcome === 'ok' || outcome.endsWith('-after-ok');

function makeStore(
  id: string,
  Status: NonNullable<StoreInput['Status']>,
  Tags = [TAG],
): StoreInput {
  return {
    EventDataStoreArn: arnOf(id),
    Name: `soak-${id}`,
    Status,
    AdvancedEventSelectors: [
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ],
    Tags,
  };
}

/** The round's account: four eligible stores and three that must never be started. */
function roundStores(): { stores: StoreInput[]; eligible: string[] } {
  const eligible = ['s1-stopped', 's2-stopped', 's3-stopped', 's4-stopping'];
  return {
    eligible: eligible.map(arnOf),
    stores: [
      makeStore('s1-stopped', 'STOPPED_INGESTION'),
      makeStore('s2-stopped', 'STOPPED_INGESTION'),
      makeStore('s3-stopped', 'STOPPED_INGESTION'),
      makeStore('s4-stopping', 'STOPPING_INGESTION'),
      makeStore('n1-enabled', 'ENABLED'),
      makeStore('n2-unmanaged', 'STOPPED_INGESTION', []),
      makeStore('n3-exempt', 'STOPPED_INGESTION', [
        TAG,
        // an exemption that holds: within MAX_EXEMPTION_HOURS of now
        {
          Key: 'ingestion-guard:exempt-until',
          Value: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        },
      ]),
    ],
  };
}

/** A sweep (every eligible store), or an SNS-delivered stop of one of them (that one only). */
function roundEvent(
  random: () => number,
  eligible: readonly string[],
): { event: unknown; inScope: string[] } {
  if (random() < 0.5) {
    const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
    return { event, inScope: [...eligible] };
  }
  const store = eligible[Math.floor(random() * eligible.length)] ?? '';
  const stop = {
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudtrail',
    detail: {
      eventName: 'StopEventDataStoreIngestion',
      eventID: `e-${random()}`,
      requestParameters: { eventDataStore: store },
    },
  };
  const event = {
    Records: [{ Sns: { MessageId: `m-${random()}`, Message: JSON.stringify(stop) } }],
  };
  return { event, inScope: [store] };
}

function emptyFigures(): SoakFigures {
  return {
    rounds: 0,
    eligibleStoreRounds: 0,
    resumed: 0,
    falseFailures: 0,
    silentFailures: 0,
    doubleStarts: 0,
    forbiddenStarts: 0,
    overruns: 0,
    requests: 0,
    faultsInjected: 0,
    lostAnswers: 0,
    examples: [],
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const random = seededRandom(options.seed);
  const { stores } = roundStores();
  const emulator = await startEmulator({ stores, startDelayMs: 20, stopDelayMs: 30, random });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDTRAIL: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDSOAK',
    AWS_SECRET_ACCESS_KEY: 'soak-secret',
  });
  const cloudtrail = createCloudTrail({ region: REGION, requestTimeoutMs: 1_000 });
  const config = readConfig({
    AWS_REGION: REGION,
    OPT_IN_TAG: 'ingestion-guard:managed=true',
    RETRY_BASE_DELAY_MS: '20',
    RETRY_MAX_DELAY_MS: '200',
    VERIFY_INTERVAL_MS: '20',
    VERIFY_TIMEOUT_MS: '3000',
    ...options.env,
  });
  const figures = emptyFigures();
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const { stores: fresh, eligible } = roundStores();
      emulator.setStores(fresh);
      emulator.setFaults(transientFaults(options.faultRate));
      emulator.resetCalls();
      const { event, inScope } = roundEvent(random, eligible);
      const startedAt = Date.now();
      const result = await resumeIngestion(parseTrigger(event), {
        cloudtrail,
        config,
        here: { partition: 'aws', accountId: ACCOUNT, region: REGION },
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        remainingTimeMs: () => BUDGET_MS - (Date.now() - startedAt),
        random,
      });
      if (Date.now() - startedAt > BUDGET_MS) figures.overruns += 1;
      assessRound(figures, emulator, result, inScope);
    }
  } finally {
    await emulator.close();
  }
  return figures;
}

const MAX_EXAMPLES = 20;
const isListing = (store: { eventDataStore: string }) => store.eventDataStore === '*';

/** A store that did not end well: its result and the calls about it, for the report. */
function exampleOf(emulator: EmulatorView, arn: string, result: unknown) {
  const calls = emulator.calls.filter(
    (c) => c.eventDataStore === undefined || c.eventDataStore.includes(arn),
  );
  return { eventDataStore: arn, result, calls: calls.map((c) => `${c.operation} ${c.outcome}`) };
}

type EmulatorView = Pick<Awaited<ReturnType<typeof startEmulator>>, 'calls' | 'stores'>;

function assessRound(
  figures: SoakFigures,
  emulator: EmulatorView,
  result: ResumeResult,
  eligible: readonly string[],
): void {
  figures.rounds += 1;
  figures.requests += emulator.calls.length;
  figures.faultsInjected += emulator.calls.filter((c) => c.outcome !== 'ok').length;
  figures.lostAnswers += emulator.calls.filter((c) => c.outcome.endsWith('-after-ok')).length;
  const status = new Map(emulator.stores().map((s) => [s.EventDataStoreArn, s.Status]));
  const reportedFailed = (arn: string) =>
    result.stores.some(
      (s) => s.action === 'failed' && (s.eventDataStore === arn || s.eventDataStore === '*'),
    );
  for (const arn of eligible) {
    figures.eligibleStoreRounds += 1;
    const ingesting = isIngesting(status.get(arn) ?? '');
    if (ingesting) figures.resumed += 1;
    const entry = result.stores.find((s) => s.eventDataStore === arn);
    if (ingesting && entry?.action === 'failed') figures.falseFailures += 1;
    if (!ingesting && !reportedFailed(arn)) figures.silentFailures += 1;
    if ((!ingesting || entry?.action === 'failed') && figures.examples.length < MAX_EXAMPLES) {
      figures.examples.push(exampleOf(emulator, arn, entry ?? result.stores.find(isListing)));
    }
  }
  const applied = emulator.calls.filter(
    (c) => c.operation === 'StartEventDataStoreIngestion' && wasApplied(c.outcome),
  );
  for (const arn of new Set(applied.map((c) => c.eventDataStore))) {
    if (applied.filter((c) => c.eventDataStore === arn).length > 1) figures.doubleStarts += 1;
  }
  figures.forbiddenStarts += emulator.calls.filter(
    (c) =>
      c.operation === 'StartEventDataStoreIngestion' && !eligible.includes(c.eventDataStore ?? ''),
  ).length;
}
