/**
 * Integrity over HTTP: each way to blind a store is played by an attacker with the CloudTrail API
 * against the emulator, then the real handler (with the state table in the embedded DynamoDB)
 * reports it — through the sweep (a schedule event) and through the event EventBridge would
 * deliver for the call (a CloudTrail record built like the samples in events/).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsCommand,
  CloudTrailClient,
  DeleteEventDataStoreCommand,
  RemoveTagsCommand,
  StopEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
  type UpdateEventDataStoreCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorOptions } from '../../local/emulator.js';
import type { StoreInput } from '../../local/stores-file.js';
import {
  ACCOUNT,
  type LocalStack,
  makeStore,
  readEvent,
  startLocalStack,
  storeArn,
} from '../support/local-stack.js';
import { ROOT, resultLines, runRunner } from '../support/run-runner.js';

const ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const ARN = storeArn(ID);
const OTHER_ID = 'a1b2c3d4-0000-4000-8000-000000000002';
const OTHER_ARN = storeArn(OTHER_ID);
const EXEMPT_KEY = 'ingestion-guard:exempt-until';

interface Identity {
  readonly arn: string;
  readonly roleArn: string;
}
const role = (name: string, session: string): Identity => ({
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
});
const ATTACKER = role('Attacker', 'mallory');
const ADMIN = role('DevOpsAdmin', 'alice');
const GUARD = role('lake-ingestion-guard-role', 'guard');

/** What every handler here runs with: the state table on, no idempotency (redeliveries reach it). */
const BASE_ENV = {
  IDEMPOTENCY_TABLE: '',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AUTHORIZED_ACTORS: ADMIN.roleArn,
  VERIFY_TIMEOUT_MS: '5000',
} as const;

const SELECTORS = [
  {
    Name: 'Management events',
    FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
  },
];
const SELF_EXCLUDING = [
  {
    Name: 'Management events',
    FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Management'] },
      {
        Field: 'userIdentity.arn',
        NotStartsWith: [`arn:aws:sts::${ACCOUNT}:assumed-role/Attacker/`],
      },
    ],
  },
];
const MATCH_NOTHING = [
  {
    Name: 'Management events',
    FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Management'] },
      { Field: 'eventSource', Equals: ['nothing.example.com'] },
    ],
  },
];

/** A protected, ingesting, managed store, as CreateEventDataStore leaves one. */
const healthyStore = (id = ID, overrides: Partial<StoreInput> = {}): StoreInput =>
  makeStore(id, {
    Status: 'ENABLED',
    AdvancedEventSelectors: SELECTORS,
    MultiRegionEnabled: true,
    OrganizationEnabled: false,
    RetentionPeriod: 2557,
    TerminationProtectionEnabled: true,
    BillingMode: 'EXTENDABLE_RETENTION_PRICING',
    FederationStatus: 'DISABLED',
    ...overrides,
  });

interface FindingShape {
  kind: string;
  field: string;
  before?: unknown;
  after?: unknown;
  severity: string;
  detail?: string;
}
interface StoreResultShape {
  eventDataStore: string;
  action: string;
  reason: string;
  statusAfter?: string;
  protected?: boolean;
  findings?: FindingShape[];
}
interface ResultShape {
  stores: StoreResultShape[];
}
type LogLine = Record<string, unknown>;

/** CloudTrail's requestParameters spell the API's members with a lower-case first letter. */
function recordParameters(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(recordParameters);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.charAt(0).toLowerCase() + key.slice(1),
      recordParameters(inner),
    ]),
  );
}

/** The `AWS API Call via CloudTrail` event EventBridge delivers for a call (the stop sample's shape). */
function cloudTrailEvent(
  eventName: string,
  input: object,
  actor: Identity,
  eventID: string = randomUUID(),
): Record<string, unknown> {
  const event = readEvent('eventbridge-stop.json') as {
    detail: Record<string, unknown> & { userIdentity: Record<string, unknown> };
  };
  const identity = event.detail.userIdentity as {
    arn: string;
    sessionContext: { sessionIssuer: { arn: string } };
  };
  identity.arn = actor.arn;
  identity.sessionContext.sessionIssuer.arn = actor.roleArn;
  return {
    ...event,
    id: randomUUID(),
    detail: {
      ...event.detail,
      eventName,
      requestParameters: recordParameters(input),
      eventID,
      requestID: randomUUID(),
    },
  };
}

/** The same event published to the alert topic (events/sns-forged-update.json's shape). */
function throughSns(event: object): Record<string, unknown> {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:lake-ingestion-guard-alerts`,
          Message: JSON.stringify(event),
        },
      },
    ],
  };
}

/** A schedule event; each its own delivery. */
const sweepEvent = () => ({
  ...(readEvent('schedule-eventbridge-rule.json') as object),
  id: randomUUID(),
});

/** What reports an attack: the event of its call, or the next sweep. */
const by = (path: 'event' | 'sweep', event: object) => (path === 'event' ? event : sweepEvent());

describe('Integrity over HTTP: attacks played with the API, reported by the sweep and the event', () => {
  let stack: LocalStack | undefined;
  let attacker: CloudTrailClient | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    attacker?.destroy();
    attacker = undefined;
    await stack?.close();
    stack = undefined;
  });

  /** The function's JSON log lines. */
  function captureLogs(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        const text = String(chunk);
        if (text.startsWith('{') && text.includes('"level"')) {
          lines.push(JSON.parse(text) as LogLine);
          return true;
        }
        return write(chunk as string, ...rest);
      }) as typeof stream.write);
    }
    return lines;
  }

  /** The stack with these stores, the handler loaded, the baseline recorded by a first sweep. */
  async function setUp(
    stores: readonly StoreInput[],
    env: Record<string, string> = {},
    options: Partial<EmulatorOptions> = {},
  ) {
    const local = await startLocalStack({ stores, startDelayMs: 0, stopDelayMs: 0, ...options });
    stack = local;
    const client = new CloudTrailClient({
      region: 'us-east-1',
      endpoint: local.emulator.url,
      credentials: { accessKeyId: 'AKIDATTACKER', secretAccessKey: 'attacker-secret' },
      maxAttempts: 1,
    });
    attacker = client;
    const logs = captureLogs();
    const handler = await local.loadHandler({ ...BASE_ENV, ...env });
    const invoke = async (event: unknown): Promise<ResultShape> =>
      (await handler(event, local.context())) as ResultShape;
    const baseline = await invoke(sweepEvent());
    return { local, client, logs, handler, invoke, baseline };
  }

  const resultOf = (result: ResultShape, arn = ARN): StoreResultShape => {
    const found = result.stores.find((store) => store.eventDataStore === arn);
    if (found === undefined) throw new Error(`no result for ${arn}`);
    return found;
  };
  const kindsOf = (result: ResultShape, arn = ARN) =>
    (resultOf(result, arn).findings ?? []).map((finding) => finding.kind);
  const warned = (logs: LogLine[], kind: string) =>
    logs.filter(
      (line) => line.level === 'WARN' && line.message === 'integrity finding' && line.kind === kind,
    );
  const storeOf = (local: LocalStack, arn = ARN) => {
    const found = local.emulator.stores().find((store) => store.EventDataStoreArn === arn);
    if (found === undefined) throw new Error(`no store ${arn} in the emulator`);
    return found;
  };

  /** UpdateEventDataStore by the attacker, and the event EventBridge would deliver for it. */
  async function update(
    client: CloudTrailClient,
    input: Omit<UpdateEventDataStoreCommandInput, 'EventDataStore'>,
    actor: Identity = ATTACKER,
  ) {
    const full = { EventDataStore: ARN, ...input };
    await client.send(new UpdateEventDataStoreCommand(full));
    return cloudTrailEvent('UpdateEventDataStore', full, actor);
  }

  async function stop(client: CloudTrailClient, actor: Identity = ATTACKER, eventID?: string) {
    const input = { EventDataStore: ARN };
    await client.send(new StopEventDataStoreIngestionCommand(input));
    return cloudTrailEvent('StopEventDataStoreIngestion', input, actor, eventID);
  }

  async function addExemptTag(client: CloudTrailClient, until: string, actor: Identity) {
    const input = { ResourceId: ARN, TagsList: [{ Key: EXEMPT_KEY, Value: until }] };
    await client.send(new AddTagsCommand(input));
    return cloudTrailEvent('AddTags', input, actor);
  }

  /** Protection off, then DeleteEventDataStore: the event of the delete. */
  async function deleteStore(client: CloudTrailClient) {
    await update(client, { TerminationProtectionEnabled: false });
    const input = { EventDataStore: ARN };
    await client.send(new DeleteEventDataStoreCommand(input));
    return cloudTrailEvent('DeleteEventDataStore', input, ATTACKER);
  }

  describe('the first sweep', () => {
    it('records the baseline of every managed store: baseline-recorded, INFORMATIONAL', async () => {
      // Prepare, Act
      const { baseline, logs } = await setUp([healthyStore()]);

      // Assess
      expect(resultOf(baseline)).toMatchObject({
        action: 'skipped',
        reason: 'already-ingesting',
        findings: [{ kind: 'baseline-recorded', severity: 'INFORMATIONAL' }],
      });
      expect(logs.filter((line) => line.message === 'integrity finding')).toMatchObject([
        { level: 'INFO', kind: 'baseline-recorded' },
      ]);
    });
  });

  describe('selectors narrowed', () => {
    it.each([
      {
        name: 'to exclude the attacker (NotStartsWith)',
        selectors: SELF_EXCLUDING,
        detail: /NotStartsWith condition on userIdentity\.arn was added/,
      },
      {
        name: 'to match nothing',
        selectors: MATCH_NOTHING,
        detail: /eventSource is now restricted to Equals \["nothing\.example\.com"\]/,
      },
    ])(
      '$name → selectors-changed HIGH by the event and by the sweep; the store stays ENABLED',
      async ({ selectors, detail }) => {
        // Prepare
        const { client, invoke, logs, local } = await setUp([healthyStore()]);
        const event = await update(client, { AdvancedEventSelectors: selectors });

        // Act
        const byEvent = await invoke(event);
        const bySweep = await invoke(sweepEvent());

        // Assess
        for (const result of [byEvent, bySweep]) {
          expect(resultOf(result)).toMatchObject({
            action: 'skipped',
            reason: 'already-ingesting',
            findings: [
              {
                kind: 'selectors-changed',
                field: 'AdvancedEventSelectors',
                before: [{ FieldSelectors: SELECTORS[0]?.FieldSelectors }],
                severity: 'HIGH',
                detail: expect.stringMatching(detail),
              },
            ],
          });
          expect(resultOf(result).findings?.[0]?.after).toHaveLength(1);
        }
        expect(warned(logs, 'selectors-changed')).toHaveLength(2);
        expect(storeOf(local).Status).toBe('ENABLED');
      },
    );
  });

  describe('a store deleted', () => {
    it.each(['event', 'sweep'] as const)(
      'by default: deleted CRITICAL (by the %s), skipped pending-deletion, left deleted',
      async (path) => {
        // Prepare
        const { client, invoke, logs, local } = await setUp([healthyStore()]);
        const event = await deleteStore(client);

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({ action: 'skipped', reason: 'pending-deletion' });
        expect(resultOf(result).findings).toContainEqual(
          expect.objectContaining({
            kind: 'deleted',
            field: 'Status',
            after: 'PENDING_DELETION',
            severity: 'CRITICAL',
          }),
        );
        expect(warned(logs, 'deleted')).toHaveLength(1);
        expect(storeOf(local).Status).toBe('PENDING_DELETION');
      },
    );

    it.each(['event', 'sweep'] as const)(
      'with RESTORE_DELETED: restored (by the %s) and ingesting again, started after it came back stopped',
      async (path) => {
        // Prepare: the attacker stops the store, then deletes it: it comes back stopped
        const { client, invoke, local } = await setUp([healthyStore()], {
          RESTORE_DELETED: 'true',
        });
        await client.send(new StopEventDataStoreIngestionCommand({ EventDataStore: ARN }));
        const event = await deleteStore(client);

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({
          action: 'restored',
          reason: 'deleted',
          statusAfter: 'ENABLED',
        });
        expect(kindsOf(result)).toContain('deleted');
        expect(resultOf(result).protected).toBeUndefined();
        expect(storeOf(local).Status).toBe('ENABLED');
        const calls = local.emulator.calls.map((call) => call.operation);
        expect(calls).toContain('RestoreEventDataStore');
        expect(calls).toContain('StartEventDataStoreIngestion');
      },
    );

    it('with RESTORE_DELETED and ENFORCE_TERMINATION_PROTECTION: restored and protected again', async () => {
      // Prepare
      const { client, invoke, local } = await setUp([healthyStore()], {
        RESTORE_DELETED: 'true',
        ENFORCE_TERMINATION_PROTECTION: 'true',
      });
      const event = await deleteStore(client);

      // Act
      const result = await invoke(event);

      // Assess
      expect(resultOf(result)).toMatchObject({
        action: 'restored',
        reason: 'deleted',
        protected: true,
      });
      expect(storeOf(local)).toMatchObject({
        Status: 'ENABLED',
        TerminationProtectionEnabled: true,
      });
    });

    it('deleted before the guard first saw it: restored and protected (a deleted store is no baseline)', async () => {
      // Prepare, Act: the first sweep meets the store deleted, its protection off
      const deleted = healthyStore(ID, {
        Status: 'PENDING_DELETION',
        TerminationProtectionEnabled: false,
      });
      const { baseline, invoke, local } = await setUp([deleted], {
        RESTORE_DELETED: 'true',
        ENFORCE_TERMINATION_PROTECTION: 'true',
      });
      const next = await invoke(sweepEvent());

      // Assess: restored and protected; the restored store is the baseline the next sweep records
      expect(resultOf(baseline)).toMatchObject({
        action: 'restored',
        reason: 'deleted',
        protected: true,
      });
      expect(kindsOf(baseline)).toEqual(['deleted', 'termination-protection-disabled']);
      expect(storeOf(local)).toMatchObject({
        Status: 'ENABLED',
        TerminationProtectionEnabled: true,
      });
      expect(resultOf(next).findings).toEqual([
        expect.objectContaining({
          kind: 'baseline-recorded',
          after: expect.objectContaining({ TerminationProtectionEnabled: true }),
        }),
      ]);
    });

    it('no longer listed and its tags unreadable: still found through the state table and restored', async () => {
      // Prepare: ListEventDataStores leaves out deleted stores; ListTags refuses them
      const { client, invoke, local } = await setUp(
        [healthyStore()],
        { RESTORE_DELETED: 'true' },
        { listPendingDeletion: false, inactiveTags: true },
      );
      await deleteStore(client);

      // Act
      const result = await invoke(sweepEvent());

      // Assess
      expect(resultOf(result)).toMatchObject({ action: 'restored', reason: 'deleted' });
      expect(storeOf(local).Status).toBe('ENABLED');
    });
  });

  describe('termination protection turned off', () => {
    it.each(['event', 'sweep'] as const)(
      'by default: termination-protection-disabled HIGH (by the %s), left off',
      async (path) => {
        // Prepare
        const { client, invoke, logs, local } = await setUp([healthyStore()]);
        const event = await update(client, { TerminationProtectionEnabled: false });

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({
          action: 'skipped',
          reason: 'already-ingesting',
          findings: [
            {
              kind: 'termination-protection-disabled',
              field: 'TerminationProtectionEnabled',
              before: true,
              after: false,
              severity: 'HIGH',
            },
          ],
        });
        expect(warned(logs, 'termination-protection-disabled')).toHaveLength(1);
        expect(storeOf(local).TerminationProtectionEnabled).toBe(false);
      },
    );

    it.each(['event', 'sweep'] as const)(
      'with ENFORCE_TERMINATION_PROTECTION: protected (by the %s), on again in the emulator',
      async (path) => {
        // Prepare
        const { client, invoke, local } = await setUp([healthyStore()], {
          ENFORCE_TERMINATION_PROTECTION: 'true',
        });
        const event = await update(client, { TerminationProtectionEnabled: false });

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({
          action: 'protected',
          reason: 'protection-disabled',
          protected: true,
        });
        expect(kindsOf(result)).toEqual(['termination-protection-disabled']);
        expect(storeOf(local).TerminationProtectionEnabled).toBe(true);
      },
    );
  });

  describe('the configuration weakened', () => {
    it.each([
      {
        kind: 'retention-lowered',
        field: 'RetentionPeriod',
        change: { RetentionPeriod: 7 },
        before: 2557,
        after: 7,
        severity: 'CRITICAL',
      },
      {
        kind: 'multi-region-disabled',
        field: 'MultiRegionEnabled',
        change: { MultiRegionEnabled: false },
        before: true,
        after: false,
        severity: 'HIGH',
      },
      {
        kind: 'organization-disabled',
        field: 'OrganizationEnabled',
        change: { OrganizationEnabled: false },
        store: { OrganizationEnabled: true },
        before: true,
        after: false,
        severity: 'HIGH',
      },
      {
        kind: 'kms-key-changed',
        field: 'KmsKeyId',
        change: { KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/attacker-key` },
        before: undefined,
        after: `arn:aws:kms:us-east-1:${ACCOUNT}:key/attacker-key`,
        severity: 'HIGH',
      },
    ])(
      '$field changed → $kind $severity by the event and by the sweep',
      async ({ kind, field, change, store, before, after, severity }) => {
        // Prepare
        const { client, invoke, logs } = await setUp([healthyStore(ID, store ?? {})]);
        const event = await update(client, change);

        // Act
        const byEvent = await invoke(event);
        const bySweep = await invoke(sweepEvent());

        // Assess
        for (const result of [byEvent, bySweep]) {
          expect(resultOf(result).findings).toEqual([
            { kind, field, before, after, severity, detail: expect.any(String) },
          ]);
        }
        expect(warned(logs, kind)).toHaveLength(2);
      },
    );

    it('federation enabled (the emulator has no EnableFederation: the store is set so) → federation-changed MEDIUM', async () => {
      // Prepare: what EnableFederation would leave behind, written into the emulator's stores
      const { invoke, local } = await setUp([healthyStore()]);
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/LakeFederation`;
      local.emulator.setStores([
        { ...storeOf(local), FederationStatus: 'ENABLED', FederationRoleArn: roleArn },
      ]);
      const event = cloudTrailEvent(
        'EnableFederation',
        { eventDataStore: ARN, federationRoleArn: roleArn },
        ATTACKER,
      );

      // Act
      const byEvent = await invoke(event);
      const bySweep = await invoke(sweepEvent());

      // Assess
      for (const result of [byEvent, bySweep]) {
        expect(resultOf(result).findings).toEqual([
          expect.objectContaining({
            kind: 'federation-changed',
            field: 'FederationStatus',
            before: 'DISABLED',
            after: 'ENABLED',
            severity: 'MEDIUM',
          }),
          expect.objectContaining({
            kind: 'federation-changed',
            field: 'FederationRoleArn',
            after: roleArn,
            severity: 'MEDIUM',
          }),
        ]);
      }
    });
  });

  describe('the exempt tag', () => {
    it.each(['event', 'sweep'] as const)(
      'exempt until 2099 → exemption-too-long (by the %s), and the stopped store resumed all the same',
      async (path) => {
        // Prepare: an authorized actor sets it, so only its length is at fault
        const { client, invoke, logs, local } = await setUp([healthyStore()]);
        await stop(client);
        const event = await addExemptTag(client, '2099-01-01T00:00:00Z', ADMIN);

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({
          action: 'resumed',
          reason: 'stopped',
          findings: [
            {
              kind: 'exemption-too-long',
              field: EXEMPT_KEY,
              after: '2099-01-01T00:00:00Z',
              severity: 'HIGH',
            },
          ],
        });
        expect(warned(logs, 'exemption-too-long')).toHaveLength(1);
        expect(storeOf(local).Status).toBe('ENABLED');
      },
    );

    it('set by an actor not authorized → exempt-tag-changed, ignored (now and on the next sweep) until an authorized actor sets it', async () => {
      // Prepare
      const { client, invoke, local } = await setUp([healthyStore()]);
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
      await stop(client);
      const forged = await addExemptTag(client, inAnHour, ATTACKER);

      // Act: the attacker's tag, a stop and a sweep, then the authorized actor's tag and a stop
      const byEvent = await invoke(forged);
      const afterEvent = storeOf(local).Status;
      await stop(client);
      const bySweep = await invoke(sweepEvent());
      const afterSweep = storeOf(local).Status;
      await stop(client);
      const authorized = await invoke(await addExemptTag(client, inAnHour, ADMIN));

      // Assess
      for (const result of [byEvent, bySweep]) {
        expect(resultOf(result)).toMatchObject({
          action: 'resumed',
          reason: 'stopped',
          findings: [
            { kind: 'exempt-tag-changed', field: EXEMPT_KEY, after: inAnHour, severity: 'HIGH' },
          ],
        });
      }
      expect([afterEvent, afterSweep]).toEqual(['ENABLED', 'ENABLED']);
      expect(resultOf(authorized)).toMatchObject({ action: 'skipped', reason: 'exempt' });
      expect(resultOf(authorized).findings).toBeUndefined();
      expect(storeOf(local).Status).toBe('STOPPED_INGESTION');
    });
  });

  describe('a trail silenced', () => {
    it('StopLogging → a sweep of every managed store', async () => {
      // Prepare: two managed stores, both stopped after the baseline
      const { client, invoke } = await setUp([healthyStore(), healthyStore(OTHER_ID)]);
      await client.send(new StopEventDataStoreIngestionCommand({ EventDataStore: ARN }));
      await client.send(new StopEventDataStoreIngestionCommand({ EventDataStore: OTHER_ARN }));
      const event = cloudTrailEvent(
        'StopLogging',
        { name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events` },
        ATTACKER,
      );

      // Act
      const result = await invoke(event);

      // Assess
      expect(result.stores.map((store) => [store.eventDataStore, store.action]).sort()).toEqual(
        [
          [ARN, 'resumed'],
          [OTHER_ARN, 'resumed'],
        ].sort(),
      );
    });
  });

  describe('accepting a new baseline', () => {
    it("an authorized actor's UpdateEventDataStore by EventBridge → baseline-recorded, no drift on the next sweep", async () => {
      // Prepare
      const { client, invoke } = await setUp([healthyStore()]);
      const event = await update(client, { AdvancedEventSelectors: SELF_EXCLUDING }, ADMIN);

      // Act
      const accepted = await invoke(event);
      const next = await invoke(sweepEvent());

      // Assess
      expect(kindsOf(accepted)).toEqual(['baseline-recorded']);
      expect(resultOf(next).findings).toBeUndefined();
    });

    it('the same event through SNS → drift reported, the baseline kept', async () => {
      // Prepare
      const { client, invoke } = await setUp([healthyStore()]);
      const event = await update(client, { AdvancedEventSelectors: SELF_EXCLUDING }, ADMIN);

      // Act
      const forged = await invoke(throughSns(event));
      const next = await invoke(sweepEvent());

      // Assess
      expect(kindsOf(forged)).toEqual(['selectors-changed']);
      expect(kindsOf(next)).toEqual(['selectors-changed']);
    });

    it('a direct invoke {"acceptBaseline": [...]} → accepted, no drift on the next sweep', async () => {
      // Prepare
      const { client, invoke } = await setUp([healthyStore()]);
      await update(client, { AdvancedEventSelectors: SELF_EXCLUDING });

      // Act
      const accepted = await invoke({ acceptBaseline: [ARN], reason: 'reviewed' });
      const next = await invoke(sweepEvent());

      // Assess
      expect(kindsOf(accepted)).toEqual(['baseline-recorded']);
      expect(resultOf(next).findings).toBeUndefined();
    });
  });

  describe("an authorized actor's stop", () => {
    it('a forged SNS copy → the store is resumed', async () => {
      // Prepare
      const { client, invoke, local } = await setUp([healthyStore()]);
      const event = await stop(client, ADMIN);

      // Act
      const result = await invoke(throughSns(event));

      // Assess
      expect(resultOf(result)).toMatchObject({ action: 'resumed', reason: 'stopped' });
      expect(storeOf(local).Status).toBe('ENABLED');
    });

    it('the same stop by EventBridge → authorized-stop, left stopped', async () => {
      // Prepare
      const { client, invoke, local } = await setUp([healthyStore()]);
      const event = await stop(client, ADMIN);

      // Act
      const result = await invoke(event);

      // Assess
      expect(resultOf(result)).toMatchObject({ action: 'skipped', reason: 'authorized-stop' });
      expect(storeOf(local).Status).toBe('STOPPED_INGESTION');
    });
  });

  describe('an authorized delete', () => {
    it.each([
      { path: 'through SNS (forged)', wrap: throughSns, action: 'restored', reason: 'deleted' },
      {
        path: 'by EventBridge',
        wrap: (event: object) => event,
        action: 'skipped',
        reason: 'authorized-change',
      },
    ])('$path with RESTORE_DELETED → $action $reason', async ({ wrap, action, reason }) => {
      // Prepare: the authorized actor turns protection off and deletes the store
      const { client, invoke } = await setUp([healthyStore()], { RESTORE_DELETED: 'true' });
      await update(client, { TerminationProtectionEnabled: false }, ADMIN);
      const input = { EventDataStore: ARN };
      await client.send(new DeleteEventDataStoreCommand(input));

      // Act
      const result = await invoke(wrap(cloudTrailEvent('DeleteEventDataStore', input, ADMIN)));

      // Assess
      expect(resultOf(result)).toMatchObject({ action, reason });
      expect(kindsOf(result)).toContain('deleted');
    });
  });

  describe('the opt-in tag removed', () => {
    it.each(['event', 'sweep'] as const)(
      'the store stays managed through the state table: resumed (by the %s)',
      async (path) => {
        // Prepare: the attacker removes the opt-in tag, then stops the store
        const { client, invoke, local } = await setUp([healthyStore()]);
        const input = { ResourceId: ARN, TagsList: [{ Key: 'ingestion-guard:managed' }] };
        await client.send(new RemoveTagsCommand(input));
        await stop(client);
        const event = cloudTrailEvent('RemoveTags', input, ATTACKER);

        // Act
        const result = await invoke(by(path, event));

        // Assess
        expect(resultOf(result)).toMatchObject({ action: 'resumed', reason: 'stopped' });
        expect(storeOf(local).Status).toBe('ENABLED');
      },
    );
  });

  describe("the guard's own call", () => {
    it.each([
      { eventName: 'RestoreEventDataStore', input: { EventDataStore: ARN } },
      {
        eventName: 'UpdateEventDataStore',
        input: { EventDataStore: ARN, TerminationProtectionEnabled: true },
      },
    ])(
      '$eventName by GUARD_ROLE_ARN through EventBridge → skipped own-action, no CloudTrail call at all',
      async ({ eventName, input }) => {
        // Prepare: a fresh stack (the store not yet in the state table), the store stopped
        const local = await startLocalStack({
          stores: [healthyStore(ID, { Status: 'STOPPED_INGESTION' })],
        });
        stack = local;
        const handler = await local.loadHandler({ ...BASE_ENV, GUARD_ROLE_ARN: GUARD.roleArn });

        // Act
        const result = (await handler(
          cloudTrailEvent(eventName, input, GUARD),
          local.context(),
        )) as ResultShape;

        // Assess
        expect(result.stores).toEqual([
          { eventDataStore: ARN, action: 'skipped', reason: 'own-action', attempts: 0 },
        ]);
        expect(local.emulator.calls).toEqual([]);
      },
    );
  });

  describe('re-stops', () => {
    it('the third stop within RESTOP_WINDOW_MINUTES → repeated-stops CRITICAL; a redelivered stop counts once', async () => {
      // Prepare
      const { client, invoke, logs } = await setUp([healthyStore()]);
      const first = await stop(client);

      // Act: stop 1, stop 1 redelivered (after another stop), stop 2, stop 3
      const results = [await invoke(first)];
      await client.send(new StopEventDataStoreIngestionCommand({ EventDataStore: ARN }));
      results.push(await invoke(first));
      results.push(await invoke(await stop(client)));
      results.push(await invoke(await stop(client)));

      // Assess
      expect(results.map((result) => resultOf(result).action)).toEqual([
        'resumed',
        'resumed',
        'resumed',
        'resumed',
      ]);
      expect(results.map((result) => kindsOf(result))).toEqual([[], [], [], ['repeated-stops']]);
      expect(resultOf(results[3] as ResultShape).findings).toEqual([
        expect.objectContaining({
          kind: 'repeated-stops',
          field: 'Status',
          after: 3,
          severity: 'CRITICAL',
        }),
      ]);
      expect(warned(logs, 'repeated-stops')).toHaveLength(1);
    });
  });
});

describe('The built bundle through the local runner (npm start), with the state table', () => {
  it('restores the deleted sample store with RESTORE_DELETED "true": restored, and ingesting', async () => {
    // Prepare: env.json with RESTORE_DELETED "true"
    const dir = await mkdtemp(join(tmpdir(), 'integrity-runner-'));
    const envFile = JSON.parse(await readFile(join(ROOT, 'env.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const env = join(dir, 'env.json');
    await writeFile(
      env,
      JSON.stringify({
        IngestionGuardFunction: { ...envFile.IngestionGuardFunction, RESTORE_DELETED: 'true' },
      }),
    );
    const report = join(dir, 'report.json');
    const deleted = storeArn('c4d2e3f4-7a8b-4c9d-8e0f-2a3b4c5d6e7f');

    // Act
    const run = await runRunner([
      '-e',
      'events/eventbridge-delete-event-data-store.json',
      '-n',
      env,
      '--report',
      report,
    ]);

    // Assess
    try {
      expect({ hung: run.hung, code: run.code }).toEqual({ hung: false, code: 0 });
      const [result] = resultLines(run) as [{ stores: StoreResultShape[] }];
      expect(result.stores).toEqual([
        expect.objectContaining({
          eventDataStore: deleted,
          statusBefore: 'PENDING_DELETION',
          action: 'restored',
          reason: 'deleted',
          statusAfter: 'ENABLED',
        }),
      ]);
      const written = JSON.parse(await readFile(report, 'utf8')) as {
        stores: { EventDataStoreArn: string; Status: string }[];
      };
      expect(written.stores.find((store) => store.EventDataStoreArn === deleted)?.Status).toBe(
        'ENABLED',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
