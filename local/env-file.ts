import { readFile } from 'node:fs/promises';

/** The function's logical id in template.yaml, as `sam local invoke` names it in env.json. */
export const FUNCTION_LOGICAL_ID = 'IngestionGuardFunction';

/**
 * Reads SAM's env.json: `{"Parameters": {...}}` applies to every function, then
 * `{"<FunctionLogicalId>": {...}}` to ours; values become strings as Lambda's would be.
 */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  const json: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${path}: must be a JSON object like {"Parameters": {...}}`);
  }
  const sections = json as Record<string, unknown>;
  const env: Record<string, string> = {};
  for (const key of ['Parameters', FUNCTION_LOGICAL_ID]) {
    const section = sections[key];
    if (section === undefined) continue;
    if (typeof section !== 'object' || section === null || Array.isArray(section)) {
      throw new Error(`${path}: "${key}" must be an object of variables`);
    }
    for (const [name, value] of Object.entries(section)) {
      if (value !== null && typeof value === 'object') {
        throw new Error(`${path}: "${key}.${name}" must be a string, number or boolean`);
      }
      env[name] = String(value ?? '');
    }
  }
  return env;
}
