/**
 * A stand-in for what runs inside `sam local invoke`'s container: the Node.js runtime loads the
 * handler SAM's environment names (`$LAMBDA_TASK_ROOT`, `$_HANDLER`), and the runtime interface
 * emulator invokes it once with a context whose `invokedFunctionArn` is the emulator's own
 * (arn:aws:lambda:us-east-1:012345678912:function:$AWS_LAMBDA_FUNCTION_NAME). The process gets
 * exactly the environment its parent gives it; the function's logs go to stdout and stderr, and
 * what happened is one JSON object on file descriptor 3.
 *
 * Every TCP connection the function opens is recorded; with `--deny-network` one to anything but
 * loopback fails at once (ECONNREFUSED) and never leaves the machine.
 *
 * Run by Node.js itself (type stripping), so it imports nothing of the project:
 *   node test/support/lambda-runtime.ts EVENT_FILE [--function-arn ARN] [--deny-network]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface Connection {
  readonly host: string;
  readonly port: number;
  readonly refused: boolean;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'function-arn': { type: 'string' },
    'deny-network': { type: 'boolean', default: false },
  },
});
const connections: Connection[] = [];

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\./.test(host);

/** Where a `Socket#connect(...)` call connects: its options, as Node passes them or a user does. */
function targetOf(args: unknown[]): { host: string; port: number } | undefined {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: number | string; path?: string | null };
    // A pipe, not TCP (HTTP requests pass `path: null`).
    if (options.port === undefined && typeof options.path === 'string') return undefined;
    return { host: options.host ?? 'localhost', port: Number(options.port) };
  }
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const target = targetOf(args);
  if (target !== undefined) {
    const refused = values['deny-network'] === true && !isLoopback(target.host);
    connections.push({ ...target, refused });
    if (refused) {
      const error = Object.assign(new Error(`connect ${target.host}:${target.port} refused`), {
        code: 'ECONNREFUSED',
      });
      process.nextTick(() => this.destroy(error));
      return this;
    }
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;

function describeError(error: unknown): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  const extra = e as Error & { problems?: unknown; result?: unknown };
  return {
    errorType: e.name,
    errorMessage: e.message,
    ...(extra.problems !== undefined && { problems: extra.problems }),
    ...(extra.result !== undefined && { result: extra.result }),
  };
}

/** The context sam local's runtime interface emulator passes. */
function rieContext(): Record<string, unknown> {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'test_function';
  const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 3) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn:
      values['function-arn'] ?? `arn:aws:lambda:us-east-1:012345678912:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '3008',
    awsRequestId: randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** `$_HANDLER` (`handler.handler`): the export `handler` of `$LAMBDA_TASK_ROOT/handler.mjs`. */
async function loadHandler(): Promise<Handler> {
  const [file = '', exported = ''] = (process.env._HANDLER ?? '').split('.');
  const module = (await import(
    pathToFileURL(join(process.env.LAMBDA_TASK_ROOT ?? '.', `${file}.mjs`)).href
  )) as Record<string, Handler>;
  const handler = module[exported];
  if (typeof handler !== 'function') throw new Error(`no handler ${process.env._HANDLER}`);
  return handler;
}

async function invoke(): Promise<Record<string, unknown>> {
  const event: unknown = JSON.parse(readFileSync(positionals[0] ?? '', 'utf8'));
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    return { phase: 'init', error: describeError(error) };
  }
  try {
    return { phase: 'invoke', result: await handler(event, rieContext()) };
  } catch (error) {
    return { phase: 'invoke', error: describeError(error) };
  }
}

const outcome = await invoke();
writeSync(3, JSON.stringify({ ...outcome, connections }));
// The runtime would freeze the environment here; the process only has to end.
process.exit(0);
