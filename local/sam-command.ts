/**
 * What `npm run local-stack` prints: where the stack listens, where the function reaches it from
 * its container, and the exact `sam local invoke` command that runs the function against it.
 */
import { FUNCTION_LOGICAL_ID } from './env-file.js';
import type { LocalSinks } from './local-servers.js';

export interface StackDescription {
  readonly cloudtrail: string;
  readonly dynamodb: string | undefined;
  readonly tables: readonly string[];
  readonly stores: number;
  readonly accountId: string;
  /** The account the stores file named, when the stores were moved from it. */
  readonly movedFrom: string | undefined;
  readonly region: string;
  readonly envVars: string;
  /** `process.platform`: Linux needs host.docker.internal mapped to the host. */
  readonly platform: string;
  /** moto's server and the sinks in it (`--moto`). */
  readonly sinks?: LocalSinks | undefined;
}

/** moto's line, and the sink settings env.json needs to use them. */
function sinkLines(sinks: LocalSinks | undefined): string[] {
  if (sinks === undefined) return [];
  const settings = ['NOTIFY_TOPIC_ARN', 'NOTIFY_EVENT_BUS', 'SECURITY_HUB'].map(
    (name) => `  "${name}": "${sinks.variables[name]}"`,
  );
  return [
    `moto                      ${sinks.endpoint}  SNS topic ${sinks.topicArn}`,
    `                          EventBridge bus ${sinks.busArn}, Security Hub enabled`,
    '',
    'To notify them, set in env.json (the endpoint variables point at this port):',
    '',
    ...settings,
  ];
}

/** The command that runs the sample event against the stack. */
export function samInvokeCommand(stack: StackDescription, event = 'events/sns-stop-alert.json') {
  return [
    `sam local invoke ${FUNCTION_LOGICAL_ID}`,
    `-e ${event}`,
    `--env-vars ${stack.envVars}`,
    `--region ${stack.region}`,
    ...(stack.platform === 'linux' ? ['--add-host host.docker.internal:host-gateway'] : []),
  ].join(' ');
}

/** The lines printed once the stack listens. */
export function describeStack(stack: StackDescription): string[] {
  const moved = stack.movedFrom === undefined ? '' : ` (moved from ${stack.movedFrom})`;
  return [
    `CloudTrail Lake emulator  ${stack.cloudtrail}  ${stack.stores} stores of account ${stack.accountId}${moved}, ${stack.region}`,
    ...(stack.dynamodb === undefined
      ? []
      : [`DynamoDB                  ${stack.dynamodb}  tables: ${stack.tables.join(', ')}`]),
    ...sinkLines(stack.sinks),
    '',
    'Run the function against it in another terminal (after `sam build`):',
    '',
    `  ${samInvokeCommand(stack)}`,
    '',
    'Ctrl-C stops the stack.',
  ];
}
