// The on-disk request cache: lines with checksums, a partial last line cut off, corrupt lines ignored, one file per
// model; and a real interruption: a child process running evaluate() is killed mid-run, a second one resumes from
// the cache, and the result equals an uninterrupted run's.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fileRequestCache, cacheLine } from './evaluate.js';
import { loadMMLU } from '../data/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');

describe('fileRequestCache', () => {
  it('round-trips entries per model; never opens another model\'s file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmlu-cache-'));
    const a = fileRequestCache(dir).open('a'.repeat(64));
    expect(a.loaded).toBe(0);
    a.put('ll:x:1', -1.25);
    a.put('gen:y:2', ' B');
    a.close?.();
    const again = fileRequestCache(dir).open('a'.repeat(64));
    expect(again.loaded).toBe(2);
    expect(again.get('ll:x:1')).toBe(-1.25);
    expect(again.get('gen:y:2')).toBe(' B');
    const b = fileRequestCache(dir).open('b'.repeat(64));
    expect(b.loaded).toBe(0);
    expect(b.get('ll:x:1')).toBeUndefined();
    expect(readFileSync(join(dir, `${'a'.repeat(64)}.jsonl`), 'utf8')).toBe(cacheLine('ll:x:1', -1.25) + cacheLine('gen:y:2', ' B'));
  });

  it('cuts a partial last line and ignores lines whose checksum fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmlu-cache-'));
    const fp = 'c'.repeat(64);
    const path = join(dir, `${fp}.jsonl`);
    const good = cacheLine('k1', -3.5);
    const tampered = cacheLine('k2', -1).replace('"v":-1', '"v":-2');
    const partial = cacheLine('k3', -7).slice(0, 20);
    writeFileSync(path, good + tampered + 'not json\n' + partial);
    const s = fileRequestCache(dir).open(fp);
    expect(s.loaded).toBe(1);
    expect(s.skipped).toBe(2);
    expect(s.cutBytes).toBe(20);
    expect(s.get('k2')).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(good + tampered + 'not json\n');
    s.put('k3', -7);
    s.close?.();
    expect((fileRequestCache(dir).open(fp)).get('k3')).toBe(-7);
  });

  it('rejects a fingerprint that is not a safe file name', () => {
    expect(() => fileRequestCache(tmpdir()).open('../etc/passwd')).toThrow(/model fingerprint must be 8-128 characters/);
    expect(() => fileRequestCache('')).toThrow(/dir must be a non-empty path/);
  });
});

// The child: a deterministic tiny model (bvv241-2-3 vocabulary, seeded random weights), evaluate() with the file
// cache, a progress line per chunk (then a pause, so the parent can kill it between chunks of a real run).
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
import { useBackend, createModel } from '@glyphlm/transformer-core';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { evaluate } from '${join(pkg, 'src/protocols/evaluate.ts')}';
import { fileRequestCache } from '${join(pkg, 'src/node/evaluate.ts')}';
const [dataPath, cacheDir, outPath, pauseMs] = process.argv.slice(2);
await useBackend('wasm');
const tok = bvv241('2-3');
const data = new Float32Array(tok.vocabSize * 8);
let s = 3;
for (let i = 0; i < data.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; data[i] = s / 2 ** 32 - 0.5; }
const model = createModel({ vocabSize: tok.vocabSize, nEmbed: 8, dModel: 16, nLayer: 1, nHead: 2, blockSize: 256 }, { embedding: { rows: tok.vocabSize, dim: 8, data }, seed: 3 });
const dataset = JSON.parse(readFileSync(dataPath, 'utf8'));
const sleep = new Int32Array(new SharedArrayBuffer(4));
const r = await evaluate(model, tok, dataset, {
  protocol: 'harness', shots: 2, ...(cacheDir !== '-' ? { cache: fileRequestCache(cacheDir) } : {}),
  onProgress: (p) => { process.stdout.write('progress ' + p.done + ' ' + p.total + '\\n'); Atomics.wait(sleep, 0, 0, Number(pauseMs)); },
});
writeFileSync(outPath, JSON.stringify({ items: r.items, accuracy: r.accuracy, cacheHits: r.timing.cacheHits }));
`;

describe('a killed evaluation resumes', () => {
  let childJs: string;
  let dataPath: string;
  beforeAll(async () => {
    const out = join(pkg, 'node_modules', '.cache', 'mmlu-eval-test');
    mkdirSync(out, { recursive: true });
    childJs = join(out, 'resume-child.mjs');
    // bundle this package's sources into one file beside node_modules (dependencies stay imports)
    await build({ stdin: { contents: CHILD, resolveDir: pkg, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', packages: 'external', outfile: childJs, logLevel: 'warning' });
    const mmlu = await loadMMLU();
    const subjects = ['anatomy', 'astronomy', 'marketing', 'nutrition', 'virology', 'sociology'];
    const pick = (split: 'dev' | 'test', n: number) => mmlu[split].filter((it) => subjects.includes(it.subject)).filter((it) => it.index < n);
    dataPath = join(out, 'dataset.json');
    writeFileSync(dataPath, JSON.stringify({ name: 'mmlu', source: 'bundled subset (test)', subjects, dev: pick('dev', 2), val: [], test: pick('test', 6) }));
  });

  function run(cacheDir: string, outPath: string, pauseMs: number, killAfter?: number): Promise<{ code: number | null; signal: string | null; lines: string[] }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [childJs, dataPath, cacheDir, outPath, String(pauseMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      let err = '';
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          if (killAfter !== undefined && lines.length === killAfter) child.kill('SIGKILL');
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => (code !== 0 && signal === null ? reject(new Error(`child failed (${code}): ${err}`)) : resolve({ code, signal, lines })));
    });
  }

  it('kill after 2 of 6 subjects, resume, same items as an uninterrupted run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mmlu-resume-'));
    const cacheDir = join(tmp, 'cache');
    const full = await run('-', join(tmp, 'full.json'), 0);
    expect(full.code).toBe(0);
    const killed = await run(cacheDir, join(tmp, 'killed.json'), 3000, 2);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.lines).toEqual(['progress 24 144', 'progress 48 144']);
    expect(readdirSync(tmp)).not.toContain('killed.json');
    const cacheFile = readdirSync(cacheDir);
    expect(cacheFile.length).toBe(1);
    expect(readFileSync(join(cacheDir, cacheFile[0]), 'utf8').trimEnd().split('\n').length).toBe(48);
    const resumed = await run(cacheDir, join(tmp, 'resumed.json'), 0);
    expect(resumed.code).toBe(0);
    expect(resumed.lines[0]).toBe('progress 48 144'); // the cached part first
    const a = JSON.parse(readFileSync(join(tmp, 'full.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(tmp, 'resumed.json'), 'utf8'));
    expect(b.cacheHits).toBe(48);
    expect(b.items.map((i: { pred: number }) => i.pred)).toEqual(a.items.map((i: { pred: number }) => i.pred));
    for (const [i, it] of b.items.entries()) for (let j = 0; j < 4; j++) expect(Math.abs(it.logliks[j] - a.items[i].logliks[j])).toBeLessThan(1e-5);
    expect(b.accuracy.micro).toBe(a.accuracy.micro);
    expect(execFileSync('wc', ['-l', join(cacheDir, cacheFile[0])], { encoding: 'utf8' }).trim().split(' ')[0]).toBe('144');
  });
});
