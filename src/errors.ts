import type { ResumeResult } from './types.js';

/** Base class of every error this function throws on purpose. */
export class GuardError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GuardError';
  }
}

/** A bad or missing setting: the cold start fails and lists every problem. */
export class ConfigError extends GuardError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The event is not one the function understands; no CloudTrail call was made. */
export class InvalidTriggerError extends GuardError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`invalid trigger at ${field}: ${message}`);
    this.name = 'InvalidTriggerError';
    this.field = field;
  }
}

/**
 * At least one store failed. Thrown after every store was handled so that Lambda's
 * asynchronous retries and the on-failure destination take over; carries the whole result.
 */
export class ResumeFailedError extends GuardError {
  readonly result: ResumeResult;
  constructor(result: ResumeResult) {
    const failed = result.stores.filter((s) => s.action === 'failed').map((s) => s.eventDataStore);
    super(`ingestion could not be resumed for ${failed.length} store(s): ${failed.join(', ')}`);
    this.name = 'ResumeFailedError';
    this.result = result;
  }
}

/** The Lambda deadline (less the safety margin) leaves no room for another attempt. */
export class DeadlineExceededError extends GuardError {
  constructor(message = 'no time left before the Lambda deadline') {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}
