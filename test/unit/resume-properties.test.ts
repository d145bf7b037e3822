/**
 * The security boundary as a property: whatever a trigger names, the use case starts only
 * stores that are managed, of its own partition, account and region, and not exempt — and each
 * at most once per invocation; and, with integrity on, it restores and protects only such stores,
 * each write sent at most once per operation per invocation.
 */
import {
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCloudTrail } from '../../src/cloudtrail.js';
import { readConfig } from '../../src/config.js';
import { resumeIngestion } from '../../src/resume.js';
import type { StatePort, StoreRecord } from '../../src/state-table.js';
import { parseTrigger, STORE_EVENT_NAMES, TRAIL_EVENT_NAMES } from '../../src/trigger.js';
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

// ---------------------------------------------------------------------------------------------
// The same boundary for every remediation (Start, Restore, Update), with integrity on.

const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/DevOpsAdmin`;
const GUARD_ROLE = `arn:aws:iam::${ACCOUNT}:role/lake-ingestion-guard`;
const FOREIGN = arnOf('ff1', '999999999999');
const FOREIGN_REGION = arnOf('ff2', ACCOUNT, 'eu-west-1');

/** Managed by tag (t*), listed (l*), in the state table's registry only (r*), unmanaged (u*). */
const statuses = [
  'ENABLED',
  'CREATED',
  'STARTING_INGESTION',
  'STOPPING_INGESTION',
  'STOPPED_INGESTION',
  'PENDING_DELETION',
] as const;
const protectedOrNot = [true, false] as const;
const kinds = ['t', 'l', 'r', 'u'] as const;
const ALL_STORES = kinds.flatMap((kind) =>
  statuses.flatMap((status, s) =>
    protectedOrNot.map((on) => {
      const id = `${kind}${s}${on ? 'p' : 'o'}`;
      return store(id, status, {
        TerminationProtectionEnabled: on,
        ...(kind !== 't' && { Tags: [] }),
      });
    }),
  ),
);
const idsOf = (kind: (typeof kinds)[number]) =>
  ALL_STORES.map((s) => s.EventDataStoreArn.split('/').pop() ?? '').filter((id) =>
    id.startsWith(kind),
  );
/** The registry: the r* stores, and foreign ARNs (a record can hold any ARN). */
const REGISTRY = [...idsOf('r').map((id) => arnOf(id)), FOREIGN, FOREIGN_REGION];
const WRITABLE = new Set([...idsOf('t'), ...idsOf('l'), ...idsOf('r')].map((id) => arnOf(id)));

/** What the guard saw of a managed store before: protected, selecting management events. */
const PROTECTED_BASELINE = {
  AdvancedEventSelectors: [
    { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
  ],
  MultiRegionEnabled: false,
  OrganizationEnabled: false,
  TerminationProtectionEnabled: true,
};

/**
 * An in-memory state table: the registry above and, when `remembered`, a protected baseline of
 * every store of our own that is managed; every write counted.
 */
function memoryState(remembered: boolean) {
  const records = new Map<string, StoreRecord>(REGISTRY.map((arn) => [arn, { storeArn: arn }]));
  if (remembered) {
    for (const arn of WRITABLE) records.set(arn, { storeArn: arn, baseline: PROTECTED_BASELINE });
  }
  const writes: string[] = [];
  const stops = new Map<string, Set<string>>();
  const port: StatePort = {
    getStore: async (arn) => records.get(arn),
    async putBaseline(arn, baseline, at) {
      writes.push(`putBaseline ${arn}`);
      records.set(arn, {
        ...records.get(arn),
        storeArn: arn,
        baseline,
        baselineAt: at.toISOString(),
      });
    },
    async setExemptionDistrusted(arn, distrusted) {
      writes.push(`setExemptionDistrusted ${arn}`);
      records.set(arn, { ...records.get(arn), storeArn: arn, exemptionDistrusted: distrusted });
    },
    listStores: async () => [...records.keys()],
    async recordStop(arn, stop) {
      writes.push(`recordStop ${arn}`);
      const known = stops.get(arn) ?? new Set();
      known.add(stop.id);
      stops.set(arn, known);
      return known.size;
    },
  };
  return { state: { open: () => port }, writes };
}

const anyId = fc.constantFrom(
  ...ALL_STORES.map((s) => s.EventDataStoreArn.split('/').pop() ?? ''),
  'zz9',
);
const anyStore = fc.oneof(
  anyId,
  anyId.map((id) => arnOf(id)),
  anyId.map((id) => arnOf(id, '999999999999')),
  anyId.map((id) => arnOf(id, ACCOUNT, 'eu-west-1')),
  anyId.map((id) => arnOf(id).replace(':aws:', ':aws-cn:')),
  fc.constantFrom(FOREIGN, FOREIGN_REGION),
);
const anyActor = fc.constantFrom(
  undefined,
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOpsAdmin/alice`, roleArn: ADMIN_ROLE },
  {
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Attacker/mallory`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/Attacker`,
  },
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/lake-ingestion-guard/guard`, roleArn: GUARD_ROLE },
);
const EVENT_NAMES = [
  ...STORE_EVENT_NAMES,
  ...TRAIL_EVENT_NAMES,
  'StartEventDataStoreIngestion',
  'CreateEventDataStore',
];
const TAG_KEYS = ['ingestion-guard:exempt-until', 'ingestion-guard:managed', 'team'];

/** A CloudTrail record for any call of interest, naming any store, by any actor. */
const anyRecord = fc
  .record({
    eventName: fc.constantFrom(...EVENT_NAMES),
    named: fc.option(anyStore, { nil: undefined }),
    actor: anyActor,
    tagKeys: fc.subarray(TAG_KEYS),
    failed: fc.boolean(),
    eventID: fc.constantFrom('e1', 'e2', 'e3'),
  })
  .map(({ eventName, named, actor, tagKeys, failed, eventID }) => {
    const field =
      eventName === 'AddTags' || eventName === 'RemoveTags' ? 'resourceId' : 'eventDataStore';
    return {
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.cloudtrail',
      id: `delivery-${eventID}`,
      detail: {
        eventName,
        eventID,
        ...(actor !== undefined && {
          userIdentity: {
            type: 'AssumedRole',
            arn: actor.arn,
            sessionContext: { sessionIssuer: { arn: actor.roleArn } },
          },
        }),
        ...(failed && { errorCode: 'AccessDenied' }),
        requestParameters: {
          ...(named !== undefined && { [field]: named }),
          tagsList: tagKeys.map((key) => ({
            key,
            value: new Date(Date.now() + 3_600_000).toISOString(),
          })),
        },
      },
    };
  });
const anyIntegrityTrigger = fc.oneof(
  anyRecord,
  anyRecord.map((event) => ({
    Records: [{ Sns: { MessageId: 'm', Message: JSON.stringify(event) } }],
  })),
  fc.constant({ 'detail-type': 'Scheduled Event', source: 'aws.events', id: 's1', detail: {} }),
  fc.array(anyStore, { minLength: 1, maxLength: 4 }).map((stores) => ({ eventDataStores: stores })),
  fc.array(anyStore, { minLength: 1, maxLength: 4 }).map((stores) => ({ acceptBaseline: stores })),
);
const anySettings = fc.record({
  RESTORE_DELETED: fc.constantFrom('true', 'false'),
  ENFORCE_TERMINATION_PROTECTION: fc.constantFrom('true', 'false'),
  GUARD_ROLE_ARN: fc.constantFrom('', GUARD_ROLE),
  DRY_RUN: fc.constantFrom('false', 'false', 'true'),
});

const WRITES = [
  StartEventDataStoreIngestionCommand,
  RestoreEventDataStoreCommand,
  UpdateEventDataStoreCommand,
] as const;

describe('Function: resumeIngestion, remediations as a property of any trigger and setting', () => {
  it('starts, restores and protects only managed stores of its own, each at most once per operation', async () => {
    const cloudtrail = createCloudTrail({ region: REGION });
    /** How many runs sent each write, and how many were the guard's own call: none may stay 0. */
    const seen: Record<string, number> = { invalid: 0, own: 0 };
    for (const command of WRITES) seen[command.name] = 0;
    const count = (what: string) => {
      seen[what] = (seen[what] ?? 0) + 1;
    };
    await fc.assert(
      fc.asyncProperty(
        anyIntegrityTrigger,
        anySettings,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (event, settings, restoresStopped, inactiveTags, remembered) => {
          // Prepare
          const { mock } = fakeAccount(structuredClone(ALL_STORES), {
            ...(restoresStopped && { restoreTo: 'STOPPED_INGESTION' }),
            inactiveTags,
          });
          const { state, writes } = memoryState(remembered);
          const config = readConfig({
            AWS_REGION: REGION,
            OPT_IN_TAG: 'ingestion-guard:managed=true',
            MANAGED_EVENT_DATA_STORES: [...idsOf('l'), FOREIGN].join(','),
            AUTHORIZED_ACTORS: ADMIN_ROLE,
            STATE_TABLE: 'state',
            VERIFY_INTERVAL_MS: '10',
            VERIFY_TIMEOUT_MS: '20',
            ...settings,
          });
          let request: ReturnType<typeof parseTrigger>;
          try {
            request = parseTrigger(event);
          } catch {
            count('invalid');
            return; // an invalid trigger makes no call at all (tested elsewhere)
          }

          // Act: a clock that only the sleeps move
          let clock = 60_000;
          await resumeIngestion(request, {
            cloudtrail,
            state,
            config,
            here: HERE,
            logger: LOGGER,
            remainingTimeMs: () => clock,
            sleep: async (ms) => {
              clock -= ms;
            },
          });

          // Assess: every write names a writable store, once per operation
          for (const command of WRITES) {
            const named = mock
              .commandCalls(command)
              .map((call) => call.args[0].input.EventDataStore ?? '');
            if (named.length > 0) count(command.name);
            for (const arn of named) expect(WRITABLE.has(arn), `${command.name} ${arn}`).toBe(true);
            expect(new Set(named).size, command.name).toBe(named.length);
          }
          for (const call of mock.commandCalls(UpdateEventDataStoreCommand)) {
            const { EventDataStore: _store, ...change } = call.args[0].input;
            expect(change).toEqual({ TerminationProtectionEnabled: true });
          }
          expect(new Set(writes).size).toBe(writes.length);
          for (const write of writes) {
            expect(WRITABLE.has(write.split(' ')[1] ?? ''), write).toBe(true);
          }
          if (settings.DRY_RUN === 'true') {
            for (const command of WRITES) expect(mock.commandCalls(command)).toEqual([]);
          }
          // The guard's own call, delivered by EventBridge: no CloudTrail call at all.
          const own =
            request.evidence === 'trusted' &&
            settings.GUARD_ROLE_ARN !== '' &&
            request.actor?.roleArn === GUARD_ROLE;
          if (own) {
            count('own');
            expect(mock.calls()).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The runs did reach every write, and the guard's own calls.
    for (const [what, runs] of Object.entries(seen)) {
      if (what !== 'invalid') expect(runs, what).toBeGreaterThan(0);
    }
  });
});
