/**
 * Helpers to hold template.yaml against the code: run cfn-lint, transform the template with the
 * SAM translator (test/support/sam-translate.py, in the machine's Python), read IAM statements,
 * and find the AWS SDK commands a source file sends.
 *
 * A missing tool (python3, cfn-lint, the SAM translator) is an error with a clear message, never
 * a skipped test: CI must not pass without having checked the template.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEMPLATE_PATH = path.join(ROOT, 'template.yaml');
const TRANSLATE_SCRIPT = fileURLToPath(new URL('./sam-translate.py', import.meta.url));

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: string | number;
  readonly Description?: string;
  readonly AllowedValues?: readonly (string | number)[];
  readonly AllowedPattern?: string;
  readonly MinValue?: number;
  readonly MaxValue?: number;
}

export interface CfnResource {
  readonly Type: string;
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface CfnTemplate {
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
  readonly Rules?: Readonly<Record<string, unknown>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown }>>;
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runTool(command: string, args: readonly string[], needed: string): ToolRun {
  const run = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.error !== undefined) {
    throw new Error(
      `${needed} is required to check template.yaml and could not be run (${run.error.message})`,
    );
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `cfn-lint <template>` as CI runs it. */
export function runCfnLint(templatePath = TEMPLATE_PATH): ToolRun {
  return runTool('cfn-lint', [templatePath], 'cfn-lint (pip install cfn-lint)');
}

export interface TranslatedTemplate {
  /** The SAM template as written (YAML read with its intrinsic-function tags). */
  readonly sam: CfnTemplate;
  /** What the SAM transform makes of it: the CloudFormation CloudFormation deploys. */
  readonly cfn: CfnTemplate;
}

/** Transforms the template offline with the SAM translator. */
export function translateTemplate(templatePath = TEMPLATE_PATH): TranslatedTemplate {
  const run = runTool('python3', [TRANSLATE_SCRIPT, templatePath], 'python3');
  if (run.status === 3) throw new Error(`cannot transform template.yaml: ${run.stderr.trim()}`);
  if (run.status !== 0) {
    throw new Error(
      `the SAM translator rejected template.yaml (exit ${run.status}):\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as TranslatedTemplate;
}

/** The one resource of `type`, with its logical id; throws unless there is exactly one. */
export function onlyResource(
  template: CfnTemplate,
  type: string,
): { readonly id: string; readonly resource: CfnResource } {
  const found = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  const [first, ...more] = found;
  if (first === undefined || more.length > 0) {
    throw new Error(`expected exactly one ${type}, found ${found.length}`);
  }
  return { id: first[0], resource: first[1] };
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** A resource by logical id; throws when it is missing. */
export function resource(template: CfnTemplate, id: string): CfnResource {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`template has no resource ${id}`);
  return found;
}

/** `value[key1][key2]…` on parsed JSON, `undefined` when the path does not exist. */
export function at(value: unknown, ...keys: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of a role's inline policies. */
export function inlineStatements(role: CfnResource): PolicyStatement[] {
  const policies = (at(role, 'Properties', 'Policies') ?? []) as readonly unknown[];
  return policies.flatMap((policy) => {
    const statement = at(policy, 'PolicyDocument', 'Statement') as
      | PolicyStatement
      | readonly PolicyStatement[];
    return Array.isArray(statement) ? [...statement] : [statement as PolicyStatement];
  });
}

/** One `action on resource` line per allowed pair, sorted: an IAM grant that reads in a diff. */
export function grantLines(statements: readonly PolicyStatement[]): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => {
      const actions = typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
      const resources = Array.isArray(statement.Resource)
        ? statement.Resource
        : [statement.Resource];
      return actions.flatMap((action) =>
        resources.map((target: unknown) => `${action} on ${JSON.stringify(target)}`),
      );
    })
    .sort();
}

/**
 * The operations a source file sends with the modular AWS SDK v3 client `clientPackage`: every
 * `<Op>Command` and `paginate<Op>` it imports from the package, statically or as
 * `const { … } = await import('<package>')` (type-only imports do not count). A namespace or
 * default import cannot be read this way, so it throws.
 */
export function sdkOperationsImported(source: string, clientPackage: string): string[] {
  const quoted = clientPackage.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const operations = new Set<string>();
  // At the start of a line: the word "import" in a comment does not begin a statement.
  const imports = new RegExp(`^import\\s+([^;]*?)\\s+from\\s+['"]${quoted}['"]`, 'gm');
  const dynamicImports = new RegExp(
    `^\\s*const\\s+(\\{[^}]*\\})\\s*=\\s*await\\s+import\\(\\s*['"]${quoted}['"]\\s*\\)`,
    'gm',
  );
  const clauses = [...source.matchAll(imports), ...source.matchAll(dynamicImports)];
  for (const [, clause = ''] of clauses) {
    if (/^type\s/.test(clause)) continue;
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    if (named === null) {
      throw new Error(`cannot read the import of ${clientPackage}: "import ${clause} from …"`);
    }
    for (const specifier of (named[1] ?? '').split(',')) {
      const [name = ''] = specifier.trim().split(/\s+as\s+|\s*:\s*/);
      if (name === '' || name.startsWith('type ')) continue;
      const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
      if (operation !== undefined) operations.add(operation);
    }
  }
  return [...operations].sort();
}

/** Every `.ts` file under `dir` (relative to the repository root), with its source. */
export function readSources(dir: string): { readonly file: string; readonly source: string }[] {
  const base = path.join(ROOT, dir);
  return readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => ({
      file: path.join(dir, file),
      source: readFileSync(path.join(base, file), 'utf8'),
    }));
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
}

type Parameters = Readonly<Record<string, string>>;

/** A condition of the template, evaluated with these parameter values (else the defaults). */
export function conditionHolds(
  template: CfnTemplate,
  name: string,
  parameters: Parameters,
): boolean {
  const definition = template.Conditions?.[name];
  if (definition === undefined) throw new Error(`template has no condition ${name}`);
  return evaluateCondition(template, definition, parameters);
}

function evaluateCondition(template: CfnTemplate, value: unknown, parameters: Parameters): boolean {
  const [operator, operands] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  const all = operands as readonly unknown[];
  switch (operator) {
    case 'Condition':
      return conditionHolds(template, String(operands), parameters);
    case 'Fn::Not':
      return !evaluateCondition(template, all[0], parameters);
    case 'Fn::And':
      return all.every((item) => evaluateCondition(template, item, parameters));
    case 'Fn::Or':
      return all.some((item) => evaluateCondition(template, item, parameters));
    case 'Fn::Equals': {
      const [left, right] = all.map((item) => parameterValue(template, item, parameters));
      return left === right;
    }
    default:
      throw new Error(`cannot evaluate the condition ${JSON.stringify(value)}`);
  }
}

/** A condition's operand: a literal, a parameter, or `Fn::Select` of an `Fn::Split` of one. */
function parameterValue(template: CfnTemplate, value: unknown, parameters: Parameters): string {
  const select = at(value, 'Fn::Select');
  if (Array.isArray(select)) {
    const [index, list] = select as [number, unknown];
    const [separator, text] = at(list, 'Fn::Split') as [string, unknown];
    const parts = parameterValue(template, text, parameters).split(separator);
    if (parts[index] === undefined) throw new Error(`Fn::Select ${index} of ${parts.length} parts`);
    return parts[index];
  }
  const ref = at(value, 'Ref');
  if (typeof ref !== 'string') return String(value);
  const fallback = template.Parameters?.[ref]?.Default;
  if (parameters[ref] === undefined && fallback === undefined) {
    throw new Error(`the condition names ${ref}, which is not a parameter with a default`);
  }
  return parameters[ref] ?? String(fallback);
}

const isNoValue = (value: unknown): boolean => at(value, 'Ref') === 'AWS::NoValue';

/**
 * `value` as CloudFormation deploys it with these parameter values: every `Fn::If` replaced by
 * the branch its condition picks, and every `AWS::NoValue` left out.
 */
export function withConditions(
  template: CfnTemplate,
  value: unknown,
  parameters: Parameters,
): unknown {
  const resolve = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(resolve).filter((element) => !isNoValue(element));
    if (typeof item !== 'object' || item === null) return item;
    const fnIf = at(item, 'Fn::If');
    if (Array.isArray(fnIf)) {
      const [condition, whenTrue, whenFalse] = fnIf;
      return resolve(
        conditionHolds(template, String(condition), parameters) ? whenTrue : whenFalse,
      );
    }
    return Object.fromEntries(
      Object.entries(item)
        .map(([key, element]) => [key, resolve(element)] as const)
        .filter(([, element]) => !isNoValue(element)),
    );
  };
  return resolve(value);
}

/** The logical ids a value refers to (Ref, Fn::GetAtt, the `${…}` of Fn::Sub). */
function referencesOf(value: unknown, ids: ReadonlySet<string>): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => referencesOf(item, ids));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    if (key === 'Ref' && typeof item === 'string') return ids.has(item) ? [item] : [];
    if (key === 'Fn::GetAtt' && Array.isArray(item)) {
      return ids.has(String(item[0])) ? [String(item[0])] : [];
    }
    if (key === 'Fn::Sub') {
      const text = String(Array.isArray(item) ? item[0] : item);
      const named = [...text.matchAll(/\$\{([^}.!]+)[^}]*\}/g)].map((match) => match[1] ?? '');
      return [...named.filter((id) => ids.has(id)), ...referencesOf(item, ids)];
    }
    return referencesOf(item, ids);
  });
}

/** A cycle of resources that refer to each other (CloudFormation refuses it); [] when none. */
export function dependencyCycle(template: CfnTemplate): string[] {
  const ids = new Set(Object.keys(template.Resources));
  const edges = new Map(
    [...ids].map((id) => {
      const item = template.Resources[id] as CfnResource & { DependsOn?: string | string[] };
      const dependsOn = item.DependsOn === undefined ? [] : [item.DependsOn].flat();
      return [id, [...new Set([...referencesOf(item.Properties, ids), ...dependsOn])]];
    }),
  );
  const done = new Set<string>();
  const visit = (id: string, path: readonly string[]): string[] => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return [];
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle.length > 0) return cycle;
    }
    done.add(id);
    return [];
  };
  for (const id of ids) {
    const cycle = visit(id, []);
    if (cycle.length > 0) return cycle;
  }
  return [];
}

/** What a deployed stack's references resolve to: parameter values and resource names. */
export interface Deployment {
  /** Parameter values (else each parameter's default) and pseudo parameters (`AWS::Region`…). */
  readonly parameters: Parameters;
  /** What `Ref` returns for a resource. */
  readonly refs: Readonly<Record<string, string>>;
  /** What `Fn::GetAtt <id>.Arn` returns for a resource. */
  readonly arns: Readonly<Record<string, string>>;
}

/**
 * `value` with every intrinsic function CloudFormation would resolve at deployment resolved:
 * `Ref`, `Fn::GetAtt … Arn`, `Fn::Sub`, `Fn::FindInMap`, `Fn::If` (and `AWS::NoValue` dropped).
 * Throws on a reference the deployment does not name.
 */
export function resolveDeployed(
  template: CfnTemplate,
  value: unknown,
  deployed: Deployment,
): unknown {
  const lookup = (name: string): string => {
    const [id = '', attribute] = name.split('.');
    const found =
      attribute === undefined
        ? (deployed.refs[id] ?? deployed.parameters[id] ?? template.Parameters?.[id]?.Default)
        : attribute === 'Arn'
          ? deployed.arns[id]
          : undefined;
    if (found === undefined) throw new Error(`the deployment does not resolve ${name}`);
    return String(found);
  };
  const resolve = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(resolve);
    if (typeof item !== 'object' || item === null) return item;
    const [key, operand] = Object.entries(item)[0] ?? [];
    if (key === 'Ref') return lookup(String(operand));
    if (key === 'Fn::GetAtt') return lookup((operand as string[]).join('.'));
    if (key === 'Fn::Sub') {
      const [text, variables = {}] = Array.isArray(operand) ? operand : [operand];
      const local = resolve(variables) as Record<string, string>;
      return String(text).replace(
        /\$\{([^}]+)\}/g,
        (_, name: string) => local[name] ?? lookup(name),
      );
    }
    if (key === 'Fn::FindInMap') {
      const [map = '', top = '', second = ''] = resolve(operand) as string[];
      return at(template, 'Mappings', map, top, second);
    }
    return Object.fromEntries(Object.entries(item).map(([name, inner]) => [name, resolve(inner)]));
  };
  return resolve(withConditions(template, value, deployed.parameters));
}

/** The longest name CloudFormation may generate per type, and how `Ref` and `Arn` read it. */
const GENERATED_NAMES: Readonly<
  Record<string, { max: number; ref: 'name' | 'arn'; arn?: (name: string) => string }>
> = {
  'AWS::Lambda::Function': { max: 64, ref: 'name', arn: (n) => `lambda:{r}:{a}:function:${n}` },
  'AWS::IAM::Role': { max: 64, ref: 'name', arn: (n) => `iam::{a}:role/${n}` },
  'AWS::Events::Rule': { max: 64, ref: 'name', arn: (n) => `events:{r}:{a}:rule/${n}` },
  'AWS::Scheduler::Schedule': {
    max: 64,
    ref: 'name',
    arn: (n) => `scheduler:{r}:{a}:schedule/default/${n}`,
  },
  'AWS::DynamoDB::Table': { max: 255, ref: 'name', arn: (n) => `dynamodb:{r}:{a}:table/${n}` },
  'AWS::SNS::Topic': { max: 256, ref: 'arn', arn: (n) => `sns:{r}:{a}:${n}` },
  'AWS::SQS::Queue': { max: 80, ref: 'name', arn: (n) => `sqs:{r}:{a}:${n}` },
  'AWS::CloudWatch::Alarm': { max: 255, ref: 'name', arn: (n) => `cloudwatch:{r}:{a}:alarm:${n}` },
  'AWS::CloudWatch::Dashboard': { max: 255, ref: 'name' },
};

/**
 * A name as CloudFormation generates it: the stack name and the logical id, each cut so that both
 * fit, and a 13-character random part (here derived from the logical id).
 */
function generatedName(stackName: string, id: string, max: number): string {
  const random = createHash('sha256').update(id).digest('hex').slice(0, 13).toUpperCase();
  const room = max - random.length - 2;
  const stackPart = stackName.slice(0, Math.max(room - id.length, Math.ceil(room / 2)));
  return `${stackPart}-${id.slice(0, room - stackPart.length)}-${random}`;
}

/**
 * A deployment of the translated template as stack `stackName`: each resource named the way
 * CloudFormation generates names (stack name, logical id, a 13-character suffix, cut to the
 * type's longest name), at the given parameter values.
 */
export function generatedDeployment(
  template: CfnTemplate,
  stack: { readonly name: string; readonly account: string; readonly region: string },
  parameters: Parameters = {},
): Deployment {
  const refs: Record<string, string> = {};
  const arns: Record<string, string> = {};
  for (const [id, item] of Object.entries(template.Resources)) {
    const kind = GENERATED_NAMES[item.Type];
    if (kind === undefined) continue;
    const name = generatedName(stack.name, id, kind.max);
    const arn =
      kind.arn === undefined
        ? undefined
        : `arn:aws:${kind.arn(name).replace('{r}', stack.region).replace('{a}', stack.account)}`;
    if (arn !== undefined) arns[id] = arn;
    refs[id] = kind.ref === 'arn' && arn !== undefined ? arn : name;
  }
  const pseudo = {
    'AWS::AccountId': stack.account,
    'AWS::Region': stack.region,
    'AWS::Partition': 'aws',
    'AWS::StackName': stack.name,
  };
  return { parameters: { ...pseudo, ...parameters }, refs, arns };
}
