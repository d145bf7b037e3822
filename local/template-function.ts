/**
 * What `sam local invoke` reads of the function in template.yaml, resolved the way SAM CLI
 * resolves a template for local runs: a `!Ref` to a parameter is its default, a `!Ref` to a
 * resource is the resource's logical id, `!FindInMap` looks in the mappings, `!GetAtt <id>.Arn`
 * of a resource SAM generates is a Lambda ARN named after it. A reader for this
 * template's block style, not a YAML parser: the template test checks it against the SAM
 * translator's output.
 */
import { readFile } from 'node:fs/promises';
import { FUNCTION_LOGICAL_ID } from './env-file.js';

export interface TemplateFunction {
  readonly logicalId: string;
  readonly handler: string;
  readonly architectures: readonly string[];
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
  /** The variables the template declares, with the values sam local resolves them to. */
  readonly variables: Readonly<Record<string, string>>;
  readonly logFormat: string | undefined;
  readonly applicationLogLevel: string | undefined;
  readonly logGroup: string | undefined;
}

/** One `key: value` line and the lines indented under it. */
interface Node {
  readonly key: string;
  readonly value: string;
  readonly children: Node[];
}

const KEY_LINE = /^(- )?([^\s:'"][^:]*?):(?:\s+(.*))?$/;

/** The block mappings of the text as a tree (comments, sequences and folded text skipped). */
function parseBlocks(text: string): Node {
  const root: Node = { key: '', value: '', children: [] };
  const stack: { indent: number; node: Node }[] = [{ indent: -1, node: root }];
  for (const line of text.split('\n')) {
    const content = line.trim();
    const match = KEY_LINE.exec(content);
    if (content === '' || content.startsWith('#') || !match || match[1] !== undefined) continue;
    const indent = line.length - line.trimStart().length;
    while ((stack.at(-1)?.indent ?? -1) >= indent) stack.pop();
    const node: Node = { key: match[2] ?? '', value: (match[3] ?? '').trim(), children: [] };
    stack.at(-1)?.node.children.push(node);
    stack.push({ indent, node });
  }
  return root;
}

function child(node: Node | undefined, ...path: string[]): Node | undefined {
  let current = node;
  for (const key of path) current = current?.children.find((item) => item.key === key);
  return current;
}

const unquote = (value: string): string =>
  /^'.*'$|^".*"$/.test(value) ? value.slice(1, -1).replaceAll("''", "'") : value;

/** `{ a: b, c: d }` as an object. */
function flowMap(value: string): Record<string, string> {
  const inner = value.replace(/^\{\s*|\s*\}$/g, '');
  return Object.fromEntries(
    inner
      .split(',')
      .map((pair) => pair.split(':').map((part) => unquote(part.trim())))
      .filter((pair): pair is [string, string] => pair.length === 2),
  );
}

/** `[a, b]` as a list. */
const flowList = (value: string): string[] =>
  value
    .replace(/^\[\s*|\s*\]$/g, '')
    .split(',')
    .map((item) => unquote(item.trim()))
    .filter((item) => item !== '');

/** sam local's default account and region (its pseudo parameters when none are given). */
const SAM_LOCAL_PSEUDO = { accountId: '123456789012', region: 'us-east-1' } as const;

/**
 * `!GetAtt <id>.Arn` of a resource the SAM template does not hold (one SAM generates, like the
 * function's role): sam local resolves it before the transform, with its default ARN resolver,
 * to a Lambda function ARN named after the logical id.
 */
const samLocalArn = (logicalId: string): string =>
  `arn:aws:lambda:${SAM_LOCAL_PSEUDO.region}:${SAM_LOCAL_PSEUDO.accountId}:function:${logicalId}`;

/** A value as sam local resolves it; throws for what this reader does not know. */
function resolver(root: Node) {
  const parameters = child(root, 'Parameters');
  const resources = child(root, 'Resources');
  const mappings = child(root, 'Mappings');
  const resolve = (value: string): string => {
    const ref = /^!Ref\s+(\S+)$/.exec(value)?.[1];
    if (ref !== undefined) {
      const parameter = child(parameters, ref);
      if (parameter !== undefined) return resolve(child(parameter, 'Default')?.value ?? '');
      if (child(resources, ref) !== undefined) return ref;
      throw new Error(`template.yaml: !Ref ${ref} names no parameter or resource`);
    }
    const arnOf = /^!GetAtt\s+(\w+)\.Arn$/.exec(value)?.[1];
    if (arnOf !== undefined && child(resources, arnOf) === undefined) return samLocalArn(arnOf);
    const findInMap = /^!FindInMap\s+\[(.*)\]$/.exec(value)?.[1];
    if (findInMap !== undefined) {
      const [map = '', top = '', second = ''] = findInMap.split(',').map((a) => resolve(a.trim()));
      const entry = flowMap(child(mappings, map, top)?.value ?? '{}')[second];
      if (entry === undefined) throw new Error(`template.yaml: no mapping ${map}.${top}.${second}`);
      return entry;
    }
    if (value.startsWith('!')) throw new Error(`template.yaml: cannot resolve "${value}"`);
    return unquote(value);
  };
  return resolve;
}

/** Reads the function `logicalId` of a template's text. */
export function readTemplateFunction(
  text: string,
  logicalId: string = FUNCTION_LOGICAL_ID,
): TemplateFunction {
  const root = parseBlocks(text);
  const properties = child(root, 'Resources', logicalId, 'Properties');
  if (properties === undefined) throw new Error(`template.yaml: no function ${logicalId}`);
  const resolve = resolver(root);
  const property = (...path: string[]): string | undefined => {
    const node = child(properties, ...path);
    return node === undefined ? undefined : resolve(node.value);
  };
  const variables = child(properties, 'Environment', 'Variables')?.children ?? [];
  return {
    logicalId,
    handler: property('Handler') ?? '',
    architectures: flowList(property('Architectures') ?? '[x86_64]'),
    memorySize: Number(property('MemorySize') ?? 128),
    timeout: Number(property('Timeout') ?? 3),
    variables: Object.fromEntries(variables.map((node) => [node.key, resolve(node.value)])),
    logFormat: property('LoggingConfig', 'LogFormat'),
    applicationLogLevel: property('LoggingConfig', 'ApplicationLogLevel'),
    logGroup: property('LoggingConfig', 'LogGroup'),
  };
}

/** The function as template.yaml (in the working directory) declares it. */
export async function loadTemplateFunction(path = 'template.yaml'): Promise<TemplateFunction> {
  return readTemplateFunction(await readFile(path, 'utf8'));
}
