import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type LocalStack,
  MANAGED_ARN,
  readEvent,
  sampleStores,
  startLocalStack,
} from '../support/local-stack.js';

/** The same state as the sample, with the managed store stopped again. */
const stopManagedStoreAgain = (stack: LocalStack) => stack.emulator.setStores(sampleStores());

describe('Idempotency on a real DynamoDB API (dynalite)', () => {
  let stack: LocalStack;

  beforeEach(async () => {
    stack = await startLocalStack();
  });

  afterEach(async () => {
    vi.useRealTimers();
    await stack.close();
  });

  it('acts once on the same SNS message delivered twice and returns identical results', async () => {
    // Prepare
    const handler = await stack.loadHandler();
    const event = readEvent('sns-stop-alert.json');

    // Act
    const first = await handler(event, stack.context());
    const second = await handler(event, stack.context());

    // Assess
    expect(stack.starts()).toBe(1);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ summary: { resumed: 1 } });
  });

  it('acts once on one stop seen through the EventBridge rule and through SNS', async () => {
    // Prepare
    const handler = await stack.loadHandler();

    // Act
    const viaRule = await handler(readEvent('eventbridge-stop.json'), stack.context());
    stopManagedStoreAgain(stack);
    const viaSns = await handler(readEvent('sns-stop-alert.json'), stack.context());

    // Assess: the second path returns the stored result and makes no CloudTrail call
    expect(stack.starts()).toBe(1);
    expect(viaSns).toEqual(viaRule);
    expect(stack.emulator.stores().find((s) => s.EventDataStoreArn === MANAGED_ARN)?.Status).toBe(
      'STOPPED_INGESTION',
    );
  });

  it('lets exactly one of two concurrent identical deliveries act; the other is told it is in progress', async () => {
    // Prepare
    const handler = await stack.loadHandler();
    const event = readEvent('sns-stop-alert.json');

    // Act
    const outcomes = await Promise.allSettled([
      handler(event, stack.context()),
      handler(event, stack.context()),
    ]);

    // Assess
    expect(stack.starts()).toBe(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
      name: 'IdempotencyAlreadyInProgressError',
    });
  });

  it('keeps no record of a failed run, so the retry acts', async () => {
    // Prepare: the first Start fails terminally, then the API works again
    stack.emulator.setFaults([
      {
        operation: 'StartEventDataStoreIngestion',
        error: 'OperationNotPermittedException',
        count: 1,
      },
    ]);
    const handler = await stack.loadHandler();
    const event = readEvent('sns-stop-alert.json');

    // Act
    const failed = await handler(event, stack.context()).catch((e: unknown) => e);
    const retried = await handler(event, stack.context());

    // Assess
    expect(failed).toMatchObject({ name: 'ResumeFailedError' });
    expect(retried).toMatchObject({ summary: { resumed: 1, failed: 0 } });
    expect(stack.starts()).toBe(2);
  });

  it('acts again once the record has expired', async () => {
    // Prepare
    const handler = await stack.loadHandler({ IDEMPOTENCY_EXPIRY_SECONDS: '60' });
    const event = readEvent('sns-stop-alert.json');
    await handler(event, stack.context());
    stopManagedStoreAgain(stack);

    // Act: 61 s later, the same delivery comes again
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const later = await handler(event, stack.context());

    // Assess
    expect(later).toMatchObject({ summary: { resumed: 1 } });
    expect(stack.starts()).toBe(2);
  });

  it('never deduplicates a manual request without deliveryId', async () => {
    // Prepare
    const handler = await stack.loadHandler();
    const event = readEvent('direct-request.json');

    // Act
    const first = await handler(event, stack.context());
    stopManagedStoreAgain(stack);
    const second = await handler(event, stack.context());

    // Assess
    expect(stack.starts()).toBe(2);
    expect(first).toMatchObject({ summary: { resumed: 1 } });
    expect(second).toMatchObject({ summary: { resumed: 1 } });
  });

  it('honours POWERTOOLS_IDEMPOTENCY_DISABLED', async () => {
    // Prepare
    const handler = await stack.loadHandler({ POWERTOOLS_IDEMPOTENCY_DISABLED: 'true' });
    const event = readEvent('sns-stop-alert.json');

    // Act
    await handler(event, stack.context());
    stopManagedStoreAgain(stack);
    await handler(event, stack.context());

    // Assess
    expect(stack.starts()).toBe(2);
  });
});
