/**
 * Files named on a command line: every error names the option and the file
 * (`--event events/x.json: not valid JSON`), whichever step failed.
 */

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** Why `error` happened to `path`, without the path the message may start with. */
function reasonOf(error: unknown, path: string): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && REASONS[code] !== undefined) return REASONS[code];
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/** Runs `use` on the file; an error becomes `<option> <path>: <reason>`. */
export async function withOptionFile<T>(
  option: string,
  path: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  try {
    return await use(path);
  } catch (error) {
    throw new Error(`${option} ${path}: ${reasonOf(error, path)}`, { cause: error });
  }
}
