import { readFile } from 'node:fs/promises';

/** Reads a JSON file and validates it with `parse`; every error names the file. */
export async function readJsonFile<T>(path: string, parse: (json: unknown) => T): Promise<T> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON`, { cause: error });
  }
  try {
    return parse(json);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
