/**
 * The metafile of the merged build, as if one esbuild pass had written its files: every output of
 * the second pass, its imports of another output as internal ones, its `inputs` and `entryPoint`
 * those of the first-pass files it was made of; the top-level `inputs` (every module bundled)
 * those of the first pass.
 */
import path from 'node:path';
import type { Metafile } from 'esbuild';
import type { MergePlan } from './merge-init-chunks.js';

type Output = Metafile['outputs'][string];

/** A second-pass import of a sibling output (`./chunk.mjs`) is an import of that output. */
function internalImports(output: Output, plan: MergePlan): Output['imports'] {
  return output.imports.map((item) =>
    item.path.startsWith('./')
      ? {
          ...item,
          path: path.relative(plan.cwd, path.join(plan.outdir, item.path)),
          external: false,
        }
      : item,
  );
}

export function describeMerged(
  first: Metafile,
  passes: readonly Metafile[],
  plan: MergePlan,
): Metafile {
  const firstOutputs = new Map(
    Object.entries(first.outputs).map(([file, output]) => [path.resolve(plan.cwd, file), output]),
  );
  // The init file is made of every merged file, any other output of its namesake.
  const madeOf = (file: string): Output[] => {
    const name = path.basename(file);
    const files = name === plan.init ? [...plan.aliases.keys()] : [path.join(plan.splitDir, name)];
    return files.flatMap((source) => firstOutputs.get(source) ?? []);
  };
  const outputs = passes.flatMap((metafile) =>
    Object.entries(metafile.outputs).map(([file, output]): [string, Output] => {
      const sources = madeOf(file);
      // The second pass's entry points are the first pass's files, gone once the build is done.
      const { entryPoint: _secondPass, ...written } = output;
      const entryPoint = sources[0]?.entryPoint;
      return [
        file,
        {
          ...written,
          imports: internalImports(output, plan),
          inputs: Object.assign({}, ...sources.map((source) => source.inputs)),
          ...(entryPoint !== undefined && { entryPoint }),
        },
      ];
    }),
  );
  return { inputs: first.inputs, outputs: Object.fromEntries(outputs) };
}
