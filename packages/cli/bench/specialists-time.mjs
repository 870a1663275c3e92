// Times `glyphlm experiment --preset specialists` (two script specialists + their logit fusion, 120 steps each) in a
// fresh process from the built dist/bin.js against its ~10-minute target, and prints the report's figures: each
// model's validation loss per script with CIs, the paired fusion differences, MMLU. The load average before and
// after is printed too (a shared 2-core VM slows the fixed-step run). Usage: node bench/specialists-time.mjs
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET_SECONDS = 600;
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(pkg, 'dist', 'bin.js');
if (!existsSync(bin)) { console.error(`${bin} missing: pnpm --filter @glyphlm/cli build`); process.exit(1); }
const out = join(pkg, 'test-output', 'runs', 'bench-specialists');
rmSync(out, { recursive: true, force: true });
console.log(`glyphlm experiment --preset specialists on ${cpus().length} x ${cpus()[0].model.trim()}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'experiment', '--preset', 'specialists', '--out', out], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } });
const code = await new Promise((r) => child.on('close', r));
const wall = (performance.now() - t0) / 1000;
if (code !== 0) { console.error(`glyphlm experiment exited with ${code}`); process.exit(1); }
const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
const f = (x) => x.toFixed(3);
const ci = (iv) => (iv.ci95 ? `${f(iv.mean)} [${f(iv.ci95[0])}, ${f(iv.ci95[1])}]` : `${f(iv.mean)} (no CI)`);
console.log(`\nwall time ${wall.toFixed(0)} s (target ${TARGET_SECONDS} s): ${wall <= TARGET_SECONDS ? 'within' : 'OVER'}; load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`prepare ${r.setup.timing.prepareSeconds.toFixed(0)} s, train ${r.setup.timing.trainSeconds.toFixed(0)} s, evaluate ${r.setup.timing.evalSeconds.toFixed(0)} s; ${r.setup.training.steps} steps x ${r.setup.training.batchSize} x ${r.setup.model.blockSize} tokens per specialist`);
const sets = Object.keys(r.models[0].valLoss);
for (const m of r.models) console.log(`  ${m.label.padEnd(24)} ${sets.map((k) => `${k} ${ci(m.valLoss[k])}`).join('   ')}   MMLU ${(100 * m.mmlu.micro).toFixed(1)} %`);
for (const c of r.comparisons.valLoss.filter((x) => x.a === 'fused')) console.log(`  ${c.valSet}: fused - ${c.b} ${ci(c.diff)}`);
for (const v of r.verdict) console.log(`- ${v}`);
console.log(`(report: ${join(out, 'report.html')})`);
