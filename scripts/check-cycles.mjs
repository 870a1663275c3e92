// Fails on any import cycle inside a package's src/ (the house rule "no import cycles"). The import graph comes from
// dpdm (TypeScript's parser; `import type` and dynamic `import()` count as edges too: a type-only cycle still ties
// two files together for a reader, and a dynamic import is still a dependency). Tests are leaves and are included.
//
//   node scripts/check-cycles.mjs [packageDir...]   (default: every packages/*/ with a src/)
//
// exit 0 and "no import cycles" when clean; exit 1 with every cycle printed otherwise. Packages' tests call
// findCycles() (see packages/transformer-core/src/no-import-cycles.test.ts).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The import cycles among the files of `packageDir`/src (a path absolute or relative to the repository root), each
 * as the list of its files relative to the repository root. [] when there are none.
 */
export async function findCycles(packageDir) {
  const dir = resolve(repoRoot, packageDir);
  const src = join(dir, 'src');
  if (!existsSync(src)) throw new Error(`check-cycles: ${relative(repoRoot, dir) || dir} has no src/ directory`);
  const tsconfig = join(dir, 'tsconfig.json');
  const tree = await parseDependencyTree([join(src, '**/*.{ts,tsx,mts,js,mjs}')], {
    context: repoRoot,
    tsconfig: existsSync(tsconfig) ? tsconfig : undefined,
    transform: false, // keep `import type` edges
    skipDynamicImports: false,
  });
  // only edges between files of this src/ (dependencies on other packages are their own business)
  const inside = (id) => id !== null && resolve(repoRoot, id).startsWith(src + '/');
  const own = {};
  for (const [file, deps] of Object.entries(tree)) {
    if (!inside(file)) continue;
    // a relative import dpdm cannot resolve would be an edge silently missing from the graph
    const lost = (deps ?? []).find((d) => d.id === null && d.request.startsWith('.') && !d.request.includes('?') &&
      resolve(repoRoot, dirname(file), d.request).startsWith(src + '/'));
    if (lost) throw new Error(`check-cycles: ${file}: cannot resolve import '${lost.request}' (is the package's tsconfig.json moduleResolution NodeNext?)`);
    own[file] = deps === null ? null : deps.filter((d) => inside(d.id));
  }
  return parseCircular(own);
}

/** Every packages/<name>/ that has a src/ directory, relative to the repository root. */
export function packageDirs() {
  const base = join(repoRoot, 'packages');
  return readdirSync(base)
    .filter((name) => existsSync(join(base, name, 'src')))
    .sort()
    .map((name) => `packages/${name}`);
}

/** Text for a list of cycles: one line per cycle, `a -> b -> a`. */
export function formatCycles(cycles) {
  return cycles.map((c) => `  ${[...c, c[0]].join(' -> ')}`).join('\n');
}

async function main(args) {
  const dirs = args.length ? args : packageDirs();
  let failed = false;
  for (const d of dirs) {
    const cycles = await findCycles(d);
    if (cycles.length) {
      failed = true;
      console.error(`${d}: ${cycles.length} import cycle(s):\n${formatCycles(cycles)}`);
    } else {
      console.log(`${d}: no import cycles`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 2;
  });
}
