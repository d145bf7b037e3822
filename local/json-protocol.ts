/**
 * CloudTrail's wire protocol, AWS JSON 1.1, as the emulator speaks it: the operation named by
 * `X-Amz-Target`, a SigV4 `Authorization` header that must be present (it is not verified), a JSON
 * object body, and JSON responses whose errors carry `__type` and `Message`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

/** The X-Amz-Target prefix of the model (botocore, the API reference). */
export const TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
/** The prefix the Smithy-built SDKs (JavaScript v3) send: the service shape's name only. */
export const SHORT_TARGET_PREFIX = 'CloudTrail_20131101.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Protocol errors any request can get, whatever the operation. */
export const PROTOCOL_ERRORS = [
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'UnknownOperationException',
  'SerializationException',
  'InternalFailure',
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The operation an X-Amz-Target names (either prefix); the header as is when it has neither. */
export function operationOf(target: string | string[] | undefined): string {
  const value = typeof target === 'string' ? target : '';
  const prefix = [TARGET_PREFIX, SHORT_TARGET_PREFIX].find((known) => value.startsWith(known));
  return prefix ? value.slice(prefix.length) : value;
}

/** Throws unless the header looks like a SigV4 signature (its presence and shape only). */
export function checkAuthorization(header: string | undefined): void {
  if (header === undefined || header === '') {
    throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (
    !header.startsWith('AWS4-HMAC-SHA256 ') ||
    !header.includes('Credential=') ||
    !header.includes('Signature=')
  ) {
    throw new ApiError(
      'IncompleteSignatureException',
      'Authorization header requires AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature.',
    );
  }
}

/** The request members: the body's JSON object, or none for an empty body. */
export function parseInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (!isRecord(input)) {
    throw new ApiError('SerializationException', 'The request body must be a JSON object.');
  }
  return input;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON 1.1 response with a fresh request ID. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
}

/** Sends an error response: `__type` and `Message`, with the error's status and headers. */
export function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(response, error.status, { __type: error.code, Message: error.message }, error.headers);
}
