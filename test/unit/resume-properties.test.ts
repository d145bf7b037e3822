/**
 * The security boundary as a property: whatever a trigger names, the use case starts only
 * stores that are managed, of its own partition, account and region, and not exempt — and each
 * at most once per invocation.
 */
import { StartEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { resumeIngestion } from '../../src/resume.js';
import { parseTrigger } from '../../src/trigger.js';
import { ACCOUNT, arnOf, fakeAccount, REGION, store } from '../support/fake-account.js';

/** An exemption that holds: it ends within MAX_EXEMPTION_HOURS. */
const IN_AN_HOUR = new Date(Date.now() + 3_600_000).toISOString();

const HERE = { partition: 'aws', accountId: ACCOUNT, region: REGION };
const quiet = () => undefined;
const LOGGER = { info: quiet, warn: quiet, error: quiet };

/** Our stores: managed by tag (m*), listed (l*), unmanaged (u*), exempt (e*); all stopped. */
const STORES = [
  store('mm1', 'STOPPED_INGESTION'),
  store('mm2', 'STOPPED_INGESTION'),
  store('ll1', 'STOPPED_INGESTION', { Tags: [] }),
  store('uu1', 'STOPPED_INGESTION', { Tags: [] }),
  store('ee1', 'STOPPED_INGESTION', {
    Tags: [
      { Key: 'ingestion-guard:managed', Value: 'true' },
      { Key: 'ingestion-guard:exempt-until', Value: IN_AN_HOUR },
    ],
  }),
];
const STARTABLE = new Set([arnOf('mm1'), arnOf('mm2'), arnOf('ll1')]);

const ids = ['mm1', 'mm2', 'll1', 'uu1', 'ee1', 'zz9'];
const named = fc.oneof(
  fc.constantFrom(...ids),
  fc.constantFrom(...ids).map((id) => arnOf(id)),
  fc.constantFrom(...ids).map((id) => arnOf(id, '999999999999')),
  fc.constantFrom(...ids).map((id) => arnOf(id, ACCOUNT, 'eu-west-1')),
  fc.constantFrom(...ids).map((id) => arnOf(id).replace(':aws:', ':aws-cn:')),
  fc.constantFrom(...ids).map((id) => arnOf(id).replace('eventdatastore', 'EventDataStore')),
);
const trigger = fc.oneof(
  fc.constant({}),
  fc.array(named, { minLength: 1, maxLength: 6 }).map((stores) => ({ eventDataStores: stores })),
  fc
    .array(named, { minLength: 1, maxLength: 4 })
    .map((stores) => ({ Records: [{ Sns: { MessageId: 'm', Message: stores.join(' ') } }] })),
);

describe('Function: resumeIngestion, as a property of any trigger', () => {
  it('starts only managed stores of its own, never an exempt one, and each at most once', async () => {
    const cloudtrail = createCloudTrail({ region: REGION });
    const config = readConfig({
      AWS_REGION: REGION,
      OPT_IN_TAG: 'ingestion-guard:managed=true',
      MANAGED_EVENT_DATA_STORES: `ll1,${arnOf('xx1', '999999999999')}`,
      VERIFY_INTERVAL_MS: '10',
      VERIFY_TIMEOUT_MS: '20',
    });
    await fc.assert(
      fc.asyncProperty(trigger, async (event) => {
        // Prepare
        const { mock } = fakeAccount(structuredClone(STORES));
        let request: ReturnType<typeof parseTrigger>;
        try {
          request = parseTrigger(event);
        } catch {
          return; // an invalid trigger makes no call at all (tested elsewhere)
        }

        // Act
        const result = await resumeIngestion(request, {
          cloudtrail,
          config,
          here: HERE,
          logger: LOGGER,
          remainingTimeMs: () => 60_000,
        });

        // Assess
        const started = mock
          .commandCalls(StartEventDataStoreIngestionCommand)
          .map((call) => call.args[0].input.EventDataStore ?? '');
        for (const arn of started) expect(STARTABLE.has(arn), arn).toBe(true);
        expect(new Set(started).size).toBe(started.length);
        const entries = result.stores.map((s) => s.eventDataStore.toLowerCase());
        expect(new Set(entries).size).toBe(entries.length);
      }),
      { numRuns: 150 },
    );
  });
});
