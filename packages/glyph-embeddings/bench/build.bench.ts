// Bench: full bvv241 matrix builds from a cold start (each recipe in a fresh Node process), with stage times
// (tokenizer, font load, outlines, raster+augment+bits, scatter, eigen, projection, normalise), CPU time, glyphs/s,
// a fidelity spot check (cosines vs float64 centred bits on 2,000 pairs), and the ratio to the author's Python
// pipeline (Pillow + scikit-learn, 37.1 s = 24.1 s render + 13.0 s PCA for bvv241-2-3 on this machine kind;
// ../shared/docs/baselines.md §3), and — where /usr/bin/python3 has Pillow + numpy — a Python peer measured in the
// same run (bench/python_ref.py: Pillow render + LAPACK SVD PCA) with a bit-for-bit parity check of all rows.
// Usage: pnpm bench [2-3,max,abs]   (env BENCH_RECIPES works too; runs `pnpm build` first). Needs Debian fonts-unifont.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf';
const PY = { total: 37.1, render: 24.1, pca: 13.0 };
const LIMITS: Record<string, number> = { '2-3': 60, max: 120, abs: 900 };

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const fmt = (s: number) => s.toFixed(2).padStart(7);

async function child(variant: string): Promise<void> {
  const { bvv241 } = await import('@glyphlm/unicode-tokenizer');
  // the shipped build (dist), so the worker threads of the Node adapter are used
  const { loadFont, buildEmbeddings, MT19937 } = await import('@glyphlm/glyph-embeddings');
  const stages: [string, number, number][] = [];
  let w = 0, c = 0; // process start
  const mark = (name: string) => { const w2 = performance.now() / 1000, c2 = cpu(); stages.push([name, w2 - w, c2 - c]); w = w2; c = c2; };
  mark('startup (module load)');
  const tok = await bvv241(variant === 'abs' ? 'max' : (variant as '2-3' | 'max'));
  mark('tokenizer');
  const font = await loadFont(readFileSync(UNIFONT), { source: UNIFONT });
  mark('font load');
  const cps = new Set<number>();
  for (let id = 0; id < tok.vocabSize; id++) for (const ch of tok.tokenString(id)) cps.add(ch.codePointAt(0)!);
  for (const cp of cps) { const g = font.glyphId(cp); font.glyphOutline(g ?? 0); }
  mark(`outlines (${cps.size} code points)`);
  let rows: import('@glyphlm/glyph-embeddings').RowMatrix | undefined;
  const m = await buildEmbeddings(tok, { recipe: `bvv241-${variant}`, font, onRows: (r) => { rows = r; } });
  const t = m.meta.timings!;
  const buildWall = performance.now() / 1000 - w, buildCpu = cpu() - c;
  const tc = t.cpu!;
  stages.push(['raster+augment+bits', t.rows / 1000, tc.rows / 1000], ['scatter X^T X', t.scatter / 1000, tc.scatter / 1000],
    ['eigen (full rank)', t.eigen / 1000, tc.eigen / 1000], ['projection', t.project / 1000, tc.project / 1000], ['L2 normalise', t.normalise / 1000, tc.normalise / 1000]);
  const total = performance.now() / 1000; // cold start: from process start
  // fidelity spot check
  const dim = m.dim, N = m.rows, R = rows as Extract<typeof rows, { kind: 'bits' }> & object;
  const mu = new Float64Array(dim);
  for (let r = 0; r < N; r++) for (let k = 0; k < dim; k++) mu[k] += (R.words[r * R.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1;
  for (let k = 0; k < dim; k++) mu[k] /= N;
  const row = (r: number) => Float64Array.from({ length: dim }, (_, k) => ((R.words[r * R.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1) - mu[k]);
  const cos = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number) => {
    let ab = 0, aa = 0, bb = 0;
    for (let k = 0; k < dim; k++) { ab += a[ao + k] * b[bo + k]; aa += a[ao + k] ** 2; bb += b[bo + k] ** 2; }
    return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
  };
  const g = MT19937.initGenrand(1);
  let worst = 0;
  for (let p = 0; p < 2000; p++) {
    const i = g.uint32() % N, j = g.uint32() % N;
    worst = Math.max(worst, Math.abs(cos(row(i), 0, row(j), 0) - cos(m.data, i * dim, m.data, j * dim)));
  }
  if (process.env.BENCH_BITS_OUT) {
    // our polar bit rows as hex, one per token (parity with the Python/Pillow peer), and the token strings
    const lines: string[] = [];
    const bits = new Uint8Array(dim);
    for (let r = 0; r < N; r++) {
      for (let k = 0; k < dim; k++) bits[k] = (R.words[r * R.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1;
      let h = '';
      for (let k = 0; k < dim; k += 4) h += ((bits[k] << 3) | (bits[k + 1] << 2) | (bits[k + 2] << 1) | bits[k + 3]).toString(16);
      lines.push(h);
    }
    writeFileSync(process.env.BENCH_BITS_OUT, lines.join('\n') + '\n');
    writeFileSync(`${process.env.BENCH_BITS_OUT}.tokens.json`, JSON.stringify(Array.from({ length: N }, (_, i) => tok.tokenString(i))));
  }
  const out = {
    variant, rows: N, dim, total, totalCpu: cpu(), buildWall, buildCpu, stages, worst, missing: m.meta.missingGlyphTokens,
    glyphsPerSec: N / (t.rows / 1000), rasterGlyphsPerSec: cps.size / stages.find((s) => s[0].startsWith('outlines'))![1],
  };
  process.stdout.write(`@@RESULT ${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  if (!existsSync(UNIFONT)) {
    console.log(`bench skipped: ${UNIFONT} not installed (apt-get install fonts-unifont)`);
    return;
  }
  const want = (process.argv[2] ?? process.env.BENCH_RECIPES ?? '2-3,max,abs').split(',');
  const self = fileURLToPath(import.meta.url);
  console.log(`glyph-embeddings bench: cold-start full builds, GNU Unifont 15.0.01, ${new Date().toISOString()}`);
  console.log(`reference: Python Pillow + scikit-learn, bvv241-2-3 = ${PY.total} s (render ${PY.render} s + PCA ${PY.pca} s), documented figure`);
  const py = process.env.PYTHON ?? '/usr/bin/python3';
  const havePy = process.env.BENCH_PYTHON !== '0' && spawnSync(py, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0;
  console.log(havePy ? `Python peer: ${py} (Pillow + numpy LAPACK SVD = sklearn's full solver) measured in this run` : 'Python peer: not available (needs python3 with Pillow + numpy); using the documented figure');
  const tmp = mkdtempSync(join(tmpdir(), 'glyphlm-bench-'));
  for (const v of want) {
    const runPy = havePy && (v !== 'abs' || process.env.BENCH_PYTHON_ABS === '1');
    const bitsOut = join(tmp, `ours-${v}.txt`);
    const txt = execFileSync(process.execPath, ['--max-old-space-size=12000', self, '--child', v], {
      encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...(runPy ? { BENCH_BITS_OUT: bitsOut } : {}) },
    });
    const line = txt.split('\n').find((l) => l.startsWith('@@RESULT '));
    if (!line) { console.log(`bvv241-${v}: no result`); continue; }
    const r = JSON.parse(line.slice(9));
    console.log(`\nbvv241-${v}: ${r.rows} x ${r.dim}, cold start to matrix ${r.total.toFixed(1)} s wall, ${r.totalCpu.toFixed(1)} s CPU (limit ${LIMITS[v]} s: ${r.total <= LIMITS[v] ? 'OK' : 'OVER'})`);
    console.log('  stage                                wall s   cpu s');
    for (const [name, wall, c] of r.stages) console.log(`  ${name.padEnd(36)}${fmt(wall)} ${c == null ? '       ' : fmt(c)}`);
    console.log(`  build (render..normalise)           ${fmt(r.buildWall)} ${fmt(r.buildCpu)}`);
    console.log(`  render ${Math.round(r.glyphsPerSec)} tokens/s; outline extraction ${Math.round(r.rasterGlyphsPerSec)} glyphs/s; missing-glyph tokens ${r.missing}`);
    console.log(`  fidelity: max |cos(E_i,E_j) - cos(b_i-mu, b_j-mu)| over 2,000 pairs = ${r.worst.toExponential(2)}`);
    const render = r.stages.find((s: [string]) => s[0] === 'raster+augment+bits')[1];
    const pca = ['scatter X^T X', 'eigen (full rank)', 'projection', 'L2 normalise'].reduce((a, n) => a + r.stages.find((s: [string]) => s[0] === n)[1], 0);
    if (v === '2-3') {
      console.log(`  vs documented Python 37.1 s: total ${(PY.total / r.total).toFixed(2)}x faster; render ${(PY.render / render).toFixed(1)}x; PCA+normalise ${(PY.pca / pca).toFixed(2)}x`);
    }
    if (runPy) {
      const pyOut = join(tmp, `py-${v}.txt`);
      const res = spawnSync(py, [fileURLToPath(new URL('../bench/python_ref.py', import.meta.url)), v, `${bitsOut}.tokens.json`, pyOut], {
        encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, SKIP_PCA: v === 'abs' ? '1' : '0' },
      });
      const pj = res.status === 0 ? JSON.parse(res.stdout.trim().split('\n').pop()!) : null;
      if (!pj) { console.log(`  Python peer failed: ${res.stderr.slice(-300)}`); continue; }
      const a = readFileSync(bitsOut, 'utf8').split('\n'), b = readFileSync(pyOut, 'utf8').split('\n');
      let diff = 0;
      for (let i = 0; i < r.rows; i++) if (a[i] !== b[i]) diff++;
      console.log(`  Python peer (same run): render ${pj.render.toFixed(1)} s${pj.pca != null ? `, PCA+normalise ${pj.pca.toFixed(1)} s, total ${pj.total.toFixed(1)} s` : ' (PCA skipped)'}`);
      console.log(`  ratio: render ${(pj.render / render).toFixed(1)}x${pj.pca != null ? `, PCA+normalise ${(pj.pca / pca).toFixed(2)}x, cold total ${(pj.total / r.total).toFixed(2)}x faster than Python` : ''}`);
      console.log(`  bit parity with Pillow on all ${r.rows} tokens: ${diff === 0 ? 'identical' : `${diff} rows differ`}`);
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}

await main();
