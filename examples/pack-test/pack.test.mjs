// The packed-install test: `pnpm pack` of every package in packages/, `npm install` of the tarballs into an empty
// temp project (as a user installs them from npm: only what "files" ships, resolved through "exports"), then in that
// project: each package's README quick start (the first js/ts block importing the package; ts blocks transpiled
// and type-checked), the CLI's bin, and a strict TypeScript consumer of every package's main exports.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json'))).sort()
  .map((dir) => ({ dir: join(packagesDir, dir), json: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }));
const tmp = mkdtempSync(join(tmpdir(), 'glyphlm-pack-'));
const project = join(tmp, 'consumer');
const timings = {};
const run = (cmd, args, cwd, timeout = 120_000) => execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
const timed = (name, f) => { const t0 = Date.now(); const r = f(); timings[name] = (Date.now() - t0) / 1000; return r; };

/** The README's quick start: the first ```js/```mjs/```ts block that imports the package itself. */
function quickStart(pkg) {
  const file = join(pkg.dir, 'README.md');
  if (!existsSync(file)) return { error: `${file} does not exist` };
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^```(js|mjs|ts|typescript)\n([\s\S]*?)^```/gm)) {
    if (m[2].includes(`from '${pkg.json.name}`)) return { lang: m[1].startsWith('t') ? 'ts' : 'js', code: m[2], line: text.slice(0, m.index).split('\n').length + 1 };
  }
  return { error: `${file}: no \`\`\`js or \`\`\`ts block importing '${pkg.json.name}'` };
}

beforeAll(async () => {
  const tarballs = join(tmp, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const t0 = Date.now();
  await Promise.all(packages.map((p) => promisify(execFile)('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, timeout: 120_000 })));
  timings['pnpm pack (all, in parallel)'] = (Date.now() - t0) / 1000;
  const files = readdirSync(tarballs);
  const deps = {};
  for (const p of packages) {
    const base = p.json.name.replace('@', '').replace('/', '-') + `-${p.json.version}.tgz`;
    if (!files.includes(base)) throw new Error(`pnpm pack of ${p.dir} did not write ${base} (got ${files.join(', ')})`);
    deps[p.json.name] = `file:../tarballs/${base}`;
  }
  mkdirSync(project, { recursive: true });
  // overrides: the packages' own dependencies on each other resolve to these tarballs, not to the registry
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps, overrides: deps,
    devDependencies: { typescript: '5.9.3', '@types/node': '20.19.43' } }, null, 2));
  const cache = process.env.GLYPHLM_NPM_CACHE ?? join(homedir(), '.npm');
  timed('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', cache, '--loglevel', 'error'], project, 300_000));
}, 420_000);

afterAll(() => {
  console.log('pack test timings (s):', JSON.stringify(timings));
  if (!process.env.GLYPHLM_KEEP_PACK) rmSync(tmp, { recursive: true, force: true });
});

describe('packed packages installed with npm', () => {
  for (const pkg of packages) {
    it(`${pkg.json.name}: README quick start runs from the installed tarball`, () => {
      if (pkg.json.bin) {
        // the bin as npm linked it (node_modules/.bin), its help, and one real command through the packed code
        const bin = join(project, 'node_modules', '.bin', Object.keys(pkg.json.bin)[0]);
        expect(run(bin, ['--help'], project)).toMatch(/Usage:/);
        if (pkg.json.name === '@glyphlm/cli') {
          const r = JSON.parse(run(bin, ['tokenize', '--json', 'hello the test'], project));
          expect(r.inputs[0].ids).toEqual([104, 56035, 111, 32, 57811, 32, 116, 56117]); // as the unicode-tokenizer README
        }
      }
      const qs = quickStart(pkg);
      if (pkg.json.bin && qs.error) return; // a command-line package: its quick start is the bin (above)
      expect(qs.error).toBeUndefined();
      const name = pkg.json.name.split('/')[1];
      let file = join(project, `quickstart-${name}.mjs`);
      if (qs.lang === 'ts') {
        const ts = join(project, `quickstart-${name}.ts`);
        writeFileSync(ts, qs.code);
        run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext',
          '--target', 'es2022', '--lib', 'es2022,dom', '--skipLibCheck', '--types', 'node', ts], project);
        run(process.execPath, ['-e', `const ts=require('typescript');const fs=require('fs');fs.writeFileSync(${JSON.stringify(file)},ts.transpileModule(fs.readFileSync(${JSON.stringify(ts)},'utf8'),{compilerOptions:{module:ts.ModuleKind.ESNext,target:ts.ScriptTarget.ES2022}}).outputText)`], project);
      } else {
        writeFileSync(file, qs.code);
      }
      try {
        timed(`quick start ${name}`, () => run(process.execPath, [file], project, 180_000));
      } catch (e) {
        throw new Error(`${pkg.dir}/README.md line ${qs.line}: the quick start failed in an npm-installed project:\n${e.stderr || e.message}`);
      }
    }, 200_000);
  }

  it('one copy of tfjs: the packages share the user\'s @tensorflow/* (peer dependencies), nothing bundles another', () => {
    // every installed copy of a tfjs package, wherever npm put it
    const copies = {};
    const walk = (dir, depth) => {
      if (depth > 6 || !existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        if (name === '@tensorflow') {
          for (const p of readdirSync(join(dir, name))) (copies[p] ??= []).push(join(dir, name, p));
        } else if (name.startsWith('@')) {
          for (const p of readdirSync(join(dir, name))) walk(join(dir, name, p, 'node_modules'), depth + 1);
        } else if (name !== '.bin' && name !== '.package-lock.json') walk(join(dir, name, 'node_modules'), depth + 1);
      }
    };
    walk(join(project, 'node_modules'), 0);
    for (const [name, dirs] of Object.entries(copies)) expect(dirs.map((d) => d.slice(project.length + 1)), name).toHaveLength(1);
    expect(Object.keys(copies)).toEqual(expect.arrayContaining(['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm']));
    // and the model's tf is the user's: same namespace object, from the installed tarball
    const out = run(process.execPath, ['--input-type=module', '-e', "import * as tf from '@tensorflow/tfjs-core'; const core = await import('@glyphlm/transformer-core'); await core.tf.ready(); console.log(core.tf === tf, core.tf.getBackend())"], project);
    expect(out.trim()).toBe('true wasm');
    const bytes = (f) => readFileSync(f).length;
    const dist = join(project, 'node_modules/@glyphlm/transformer-core/dist/index.js');
    expect(bytes(dist)).toBeLessThan(600_000); // no bundled tfjs (it was 2.7 MB)
  }, 60_000);

  it('a strict TypeScript consumer type-checks against every package\'s exports', () => {
    copyFileSync(join(import.meta.dirname, 'consumer.ts'), join(project, 'consumer.ts'));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext',
      target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], skipLibCheck: false }, files: ['consumer.ts'] }));
    // skipLibCheck is off so our own .d.ts files are checked too; errors inside third-party declarations (tfjs's
    // d.ts name the globals of @types/emscripten and @types/long, which it does not depend on) are listed, not fatal
    let out = '';
    try {
      run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    } catch (e) {
      out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      if (!out.trim()) throw e;
    }
    const errors = out.split('\n').filter((l) => /^\S+\(\d+,\d+\): error/.test(l));
    const ours = errors.filter((l) => !l.startsWith('node_modules/') || l.startsWith('node_modules/@glyphlm/'));
    if (errors.length > ours.length) console.log(`third-party declaration errors (not ours, ignored):\n${errors.filter((l) => !ours.includes(l)).join('\n')}`);
    expect(ours).toEqual([]);
    expect(out === '' || errors.length > 0).toBe(true);
  }, 120_000);
});
