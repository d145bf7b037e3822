/**
 * Invokes the built bundle (dist/handler.mjs, the artifact SAM ships) in this process, as the
 * Lambda runtime would: its module loads once (the cold start), then each invocation gets a fresh
 * context. Like `sam local invoke`, the function's logs go to stderr and each result (or error)
 * is a JSON line on stdout.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface Invocation {
  result: unknown;
  error: Record<string, unknown> | null;
}

/** What `sam local invoke` prints for a thrown error, plus the result a ResumeFailedError carries. */
export function describeError(error: unknown): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  const extra = e as Error & { result?: unknown; problems?: unknown; field?: unknown };
  return {
    errorType: e.name,
    errorMessage: e.message,
    ...(extra.field !== undefined && { field: extra.field }),
    ...(extra.problems !== undefined && { problems: extra.problems }),
    ...(extra.result !== undefined && { result: extra.result }),
    stackTrace: (e.stack ?? '')
      .split('\n')
      .slice(1, 6)
      .map((line) => line.trim()),
  };
}

/**
 * The function's logs (Powertools writes to stdout) go to stderr while `run` runs; `run` gets the
 * real stdout to write the results on.
 */
async function withLogsOnStderr<T>(
  run: (writeResult: (text: string) => void) => Promise<T>,
): Promise<T> {
  const writeResult = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await run(writeResult);
  } finally {
    process.stdout.write = writeResult as typeof process.stdout.write;
  }
}

/** The handler of the built bundle (its cold start runs here). */
async function loadHandler(): Promise<Handler> {
  const bundle = resolve('dist/handler.mjs');
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
  return handler;
}

/** One invocation: what the report holds, and what stdout gets (the result or the error). */
async function invokeOnce(
  handler: Handler,
  event: unknown,
  context: Context,
): Promise<[Invocation, unknown]> {
  try {
    const result = await handler(event, context);
    return [{ result, error: null }, result];
  } catch (error) {
    const described = describeError(error);
    return [{ result: described.result ?? null, error: described }, described];
  }
}

/** Loads the bundle and invokes its handler `times` times, each with a new context. */
export function invokeBundle(
  event: unknown,
  newContext: () => Context,
  times: number,
): Promise<Invocation[]> {
  return withLogsOnStderr(async (writeResult) => {
    const invocations: Invocation[] = [];
    const emit = (invocation: Invocation, printed: unknown): void => {
      invocations.push(invocation);
      writeResult(`${JSON.stringify(printed)}\n`);
    };
    try {
      const handler = await loadHandler();
      for (let i = 0; i < times; i++) emit(...(await invokeOnce(handler, event, newContext())));
    } catch (error) {
      // The cold start failed (e.g. a ConfigError): nothing was invoked.
      const described = describeError(error);
      emit({ result: null, error: described }, described);
    }
    return invocations;
  });
}
