/**
 * What the SDK does with the endpoint variables the template declares: `AWS_ENDPOINT_URL_<SERVICE>`
 * is read by `getEndpointUrlConfig` (@smithy/core, endpoints): a non-empty value is the endpoint,
 * an empty or absent one falls through to `AWS_ENDPOINT_URL`, then to the shared config file's
 * `endpoint_url`, then to the real regional endpoint. The clients are the function's own SDK
 * packages; each request is caught before it leaves the process.
 */
import { CloudTrailClient, ListEventDataStoresCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/core/transport';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINT_VARS } from '../../src/local-endpoints.js';

/** A request handler that records the request and never sends it. */
function capturingHandler(seen: HttpRequest[]) {
  return {
    handle: async (request: HttpRequest) => {
      seen.push(request);
      throw new Error('captured, not sent');
    },
  };
}

const SEND = {
  cloudtrail: async (seen: HttpRequest[]) => {
    const client = new CloudTrailClient({
      region: 'us-east-1',
      requestHandler: capturingHandler(seen),
    });
    await client.send(new ListEventDataStoresCommand({})).catch(() => undefined);
  },
  dynamodb: async (seen: HttpRequest[]) => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      requestHandler: capturingHandler(seen),
    });
    await client
      .send(new GetItemCommand({ TableName: 'guard', Key: { id: { S: 'x' } } }))
      .catch(() => undefined);
  },
} as const;

/** Where the client of `service` sends its request with this environment. */
async function endpointOf(
  service: keyof typeof SEND,
  env: Record<string, string | undefined>,
): Promise<string> {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const seen: HttpRequest[] = [];
  await SEND[service](seen);
  const [request] = seen;
  if (request === undefined) throw new Error('no request was made');
  return `${request.protocol}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}`;
}

const REAL = {
  cloudtrail: 'https://cloudtrail.us-east-1.amazonaws.com',
  dynamodb: 'https://dynamodb.us-east-1.amazonaws.com',
} as const;
const SERVICES = Object.keys(SEND) as (keyof typeof SEND)[];

describe("The SDK's endpoint variables", () => {
  beforeEach(() => {
    // No shared config file (its endpoint_url would come next) and no endpoint for every service.
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_PROFILE;
  });

  it.each(SERVICES)('send %s to the real endpoint when the variable is absent', async (service) => {
    // Act
    const endpoint = await endpointOf(service, { [ENDPOINT_VARS[service]]: undefined });

    // Assess
    expect(endpoint).toBe(REAL[service]);
  });

  it.each(SERVICES)(
    'send %s to the real endpoint when the variable is empty, as deployed',
    async (service) => {
      // Act
      const endpoint = await endpointOf(service, { [ENDPOINT_VARS[service]]: '' });

      // Assess
      expect(endpoint).toBe(REAL[service]);
    },
  );

  it.each(SERVICES)(
    'send %s to the local stack when env.json sets the variable',
    async (service) => {
      // Act
      const endpoint = await endpointOf(service, {
        [ENDPOINT_VARS[service]]: 'http://host.docker.internal:8611',
      });

      // Assess
      expect(endpoint).toBe('http://host.docker.internal:8611');
    },
  );

  it.each(SERVICES)('fall back from an empty %s variable to AWS_ENDPOINT_URL', async (service) => {
    // Act
    const endpoint = await endpointOf(service, {
      [ENDPOINT_VARS[service]]: '',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });

    // Assess
    expect(endpoint).toBe('http://127.0.0.1:4566');
  });
});
