// Fails when a package's browser-safe core imports a Node built-in (the house rule: Node code lives in a package's
// src/node/ adapter, exported as `./node`). Checked: every import specifier (static, dynamic `import()`, `require()`)
// in packages/*/src/**/*.ts outside src/node/ and src/testing/ (test support) and *.test.ts. @glyphlm/cli is a Node
// application and is exempt.
//
//   node scripts/check-node-imports.mjs [packageDir...]   (default: every packages/*/ with a src/)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ONLY_PACKAGES = new Set(['cli']);
const builtins = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node' && name !== 'testing') yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Every `file:line: specifier` where the browser-safe src/ of `packageDir` imports a Node built-in. */
export function findNodeImports(packageDir) {
  const src = join(resolve(repoRoot, packageDir), 'src');
  if (!existsSync(src)) throw new Error(`check-node-imports: ${packageDir} has no src/ directory`);
  const found = [];
  for (const file of sourceFiles(src)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      for (const m of line.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/g)) {
        if (isBuiltin(m[1])) found.push(`${relative(repoRoot, file).split(sep).join('/')}:${i + 1}: ${m[1]}`);
      }
    });
  }
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2)
    : readdirSync(join(repoRoot, 'packages')).filter((d) => !NODE_ONLY_PACKAGES.has(d) && existsSync(join(repoRoot, 'packages', d, 'src'))).map((d) => `packages/${d}`);
  const found = dirs.flatMap(findNodeImports);
  if (found.length) {
    console.error(`Node built-ins imported outside src/node/ (move them into the package's Node adapter):\n${found.join('\n')}`);
    process.exit(1);
  }
  console.log(`no Node built-ins outside src/node/ (${dirs.length} packages)`);
}
