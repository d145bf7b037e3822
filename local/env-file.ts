import { closestName } from './closest-name.js';
import { readJsonFile } from './json-file.js';

/** The function's logical id in template.yaml, as `sam local invoke` names it in env.json. */
export const FUNCTION_LOGICAL_ID = 'IngestionGuardFunction';

const SECTIONS = ['Parameters', FUNCTION_LOGICAL_ID] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key sam local would drop without a word: named, with the declared name it is closest to. */
function undeclaredKeyError(section: string, name: string, declared: readonly string[]): Error {
  const closest = closestName(name, declared);
  return new Error(
    `"${name}" in "${section}" is not a variable template.yaml declares for ${FUNCTION_LOGICAL_ID}` +
      `${closest === undefined ? '' : ` (did you mean ${closest}?)`}: sam local invoke would drop it`,
  );
}

/**
 * SAM's env.json: `{"Parameters": {...}}` applies to every function, then
 * `{"<FunctionLogicalId>": {...}}` to ours; values become strings as Lambda's would be. With
 * `declared` (the template's variables), any other key is an error.
 */
export function parseEnvFile(json: unknown, declared?: readonly string[]): Record<string, string> {
  if (!isRecord(json)) throw new Error('must be a JSON object like {"Parameters": {...}}');
  const env: Record<string, string> = {};
  for (const key of SECTIONS) {
    const section = json[key];
    if (section === undefined) continue;
    if (!isRecord(section)) throw new Error(`"${key}" must be an object of variables`);
    for (const [name, value] of Object.entries(section)) {
      if (value !== null && typeof value === 'object') {
        throw new Error(`"${key}.${name}" must be a string, number or boolean`);
      }
      if (declared !== undefined && !declared.includes(name)) {
        throw undeclaredKeyError(key, name, declared);
      }
      env[name] = String(value ?? '');
    }
  }
  return env;
}

/** Reads and checks an env.json file; every error names the file. */
export function readEnvFile(
  path: string,
  declared?: readonly string[],
): Promise<Record<string, string>> {
  return readJsonFile(path, (json) => parseEnvFile(json, declared));
}
