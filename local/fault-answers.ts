/**
 * How the fault rule that fires for a request changes its answer: before the operation (a delay,
 * then a reset or a fault instead of the operation) or, with `after`, once the operation has been
 * applied (a delay, then a reset or a fault instead of its answer, or its answer late). Every
 * answer records the call's outcome.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from './api-error.js';
import { type FaultRule, resolveFaultError } from './faults.js';
import { sendError, sendJson } from './json-protocol.js';

/** What the store book answered: its output, or the API error it threw. */
export type Result = { readonly output: object } | { readonly error: ApiError };

/** Answers a request: a result, or a reset; each records the call's outcome. */
export interface Reply {
  /** Sends the result; records `outcome`, by default 'ok' or the error code. */
  send(result: Result, outcome?: string): void;
  /** Destroys the socket without an answer; records `outcome`. */
  reset(outcome: string): void;
}

export const outcomeOf = (result: Result): string => ('error' in result ? result.error.code : 'ok');

/** A rule (if any) before the operation: its delay, then its reset or fault, else the operation. */
export async function faultBefore(
  rule: FaultRule | undefined,
  operate: () => Result,
  reply: Reply,
  signal: AbortSignal,
): Promise<void> {
  if (rule?.delayMs) await sleep(rule.delayMs, undefined, { signal });
  if (rule?.reset) return reply.reset('reset');
  const fault = rule && injectedError(rule);
  reply.send(fault ? { error: fault } : operate());
}

/** A rule with `after`, once the operation gave its result: delay, then reset, fault or result. */
export async function faultAfter(
  rule: FaultRule,
  result: Result,
  reply: Reply,
  signal: AbortSignal,
): Promise<void> {
  if (rule.delayMs) await sleep(rule.delayMs, undefined, { signal });
  const applied = outcomeOf(result);
  if (rule.reset) return reply.reset(`reset-after-${applied}`);
  const fault = injectedError(rule);
  if (!fault) return reply.send(result);
  reply.send({ error: fault }, `${fault.code}-after-${applied}`);
}

/** The Reply to one request; each answer passes its outcome to `record`. */
export function replyTo(
  request: IncomingMessage,
  response: ServerResponse,
  record: (outcome: string) => void,
): Reply {
  return {
    send(result, outcome = outcomeOf(result)) {
      record(outcome);
      if ('error' in result) sendError(response, result.error);
      else sendJson(response, 200, result.output);
    },
    reset(outcome) {
      record(outcome);
      request.socket.destroy();
    },
  };
}

/** The error a fault rule answers with (with its `Retry-After`), if it asks for one. */
function injectedError(rule: FaultRule): ApiError | undefined {
  const fault = resolveFaultError(rule);
  if (!fault) return undefined;
  const retryAfter = rule.retryAfterSeconds;
  return new ApiError(
    fault.code,
    `Injected fault: ${fault.code}.`,
    fault.status,
    retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  );
}
