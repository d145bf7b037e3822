/**
 * Named imports from a barrel (a file made only of `export { … } from` statements, such as
 * `@aws-sdk/core/protocols` or `@smithy/core/client`) rewritten to import each name from the file
 * that defines it.
 *
 * With `splitting`, esbuild puts a file in the chunk of every entry point that reaches it through
 * any import, used or not. The CloudTrail client imports `AwsJson1_1Protocol` from the barrel
 * `@aws-sdk/core/protocols`, which re-exports every protocol: the entry reached the AWS Query, XML
 * and REST JSON protocols, the XML parser, SigV4A and the waiters that only the SNS, EventBridge,
 * Security Hub and DynamoDB clients use, and esbuild put them in a chunk the entry imports, so in
 * the cold-start file. Past the barrels, the entry reaches only the files it imports names from.
 *
 * Only pure barrels are passed: a file with any statement of its own (a side effect, a local
 * definition, an `export *`) is imported as written.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, PluginBuild } from 'esbuild';

/** Where a name a barrel re-exports is defined: the file and the name it has there. */
interface Origin {
  readonly file: string;
  readonly name: string;
}

/** A pure barrel's names → their origins; undefined for any other file. */
type Barrel = ReadonlyMap<string, Origin> | undefined;

/** `import { a, b as c } from "x";` or `export { a, b as c } from "x";` at the start of a line. */
const NAMED_FROM = /^(import|export)\s*\{([^}]*)\}\s*from\s*(["'])([^"']+)\3;?/gm;
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

/** `a as b` → { imported: 'a', local: 'b' }; an empty item (a trailing comma) is dropped. */
export function namesOf(list: string): { imported: string; local: string }[] {
  return list
    .split(',')
    .map((item) => item.trim().split(/\s+as\s+/))
    .filter((parts) => parts[0] !== undefined && parts[0] !== '')
    .map(([imported = '', local = imported]) => ({ imported, local }));
}

/** The statements of a file made only of `export { … } from` statements; undefined otherwise. */
export function pureBarrelStatements(text: string): RegExpMatchArray[] | undefined {
  const body = text.replace(COMMENTS, '');
  const statements = [...body.matchAll(NAMED_FROM)];
  const rest = body.replace(NAMED_FROM, '').trim();
  if (rest !== '' || statements.length === 0) return undefined;
  return statements.every((statement) => statement[1] === 'export') ? statements : undefined;
}

function barrels(pluginBuild: PluginBuild) {
  const cache = new Map<string, Promise<Barrel>>();

  async function resolveFrom(file: string, specifier: string): Promise<string | undefined> {
    const resolved = await pluginBuild.resolve(specifier, {
      resolveDir: path.dirname(file),
      kind: 'import-statement',
    });
    return resolved.errors.length === 0 && resolved.namespace === 'file' && !resolved.external
      ? resolved.path
      : undefined;
  }

  async function read(file: string): Promise<Barrel> {
    const statements = pureBarrelStatements(await readFile(file, 'utf8'));
    if (statements === undefined) return undefined;
    const names = new Map<string, Origin>();
    for (const [, , list = '', , specifier = ''] of statements) {
      const target = await resolveFrom(file, specifier);
      if (target === undefined) return undefined;
      for (const { imported, local } of namesOf(list)) {
        names.set(local, await originOf(target, imported));
      }
    }
    return names;
  }

  const barrelAt = (file: string): Promise<Barrel> => {
    const known = cache.get(file) ?? read(file);
    cache.set(file, known);
    return known;
  };

  async function originOf(file: string, name: string): Promise<Origin> {
    return (await barrelAt(file))?.get(name) ?? { file, name };
  }

  return { resolveFrom, barrelAt };
}

/** One statement per file the names come from; names a barrel does not list stay on it. */
function rewrite(keyword: string, list: string, barrel: ReadonlyMap<string, Origin>, as: string) {
  const byFile = new Map<string, string[]>();
  for (const { imported, local } of namesOf(list)) {
    const origin = barrel.get(imported) ?? { file: as, name: imported };
    byFile.set(origin.file, [...(byFile.get(origin.file) ?? []), `${origin.name} as ${local}`]);
  }
  return [...byFile]
    .map(([file, names]) => `${keyword} { ${names.join(', ')} } from ${JSON.stringify(file)};`)
    .join('\n');
}

export const importPastBarrels: Plugin = {
  name: 'import-past-barrels',
  setup(pluginBuild) {
    const { resolveFrom, barrelAt } = barrels(pluginBuild);
    pluginBuild.onLoad({ filter: /\.m?js$/, namespace: 'file' }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const replacements = await Promise.all(
        [...text.matchAll(NAMED_FROM)].map(async (match) => {
          const [statement, keyword = '', list = '', , specifier = ''] = match;
          const target = await resolveFrom(args.path, specifier);
          const barrel = target === undefined ? undefined : await barrelAt(target);
          return barrel === undefined || target === undefined
            ? statement
            : rewrite(keyword, list, barrel, target);
        }),
      );
      let i = 0;
      const contents = text.replace(NAMED_FROM, () => replacements[i++] ?? '');
      return contents === text ? undefined : { contents, loader: 'js' };
    });
  },
};
