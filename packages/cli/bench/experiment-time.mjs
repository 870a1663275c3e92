// Times the default main job, `glyphlm experiment` (laptop preset, 15-minute budget), in a fresh process from the
// built dist/bin.js, and prints the wall time against the budget plus the report's headline figures. The load
// average before and after is printed too: on a shared 2-core VM other jobs change what fits in the budget
// (the calibration then trains fewer steps; the report states how many). Usage: node bench/experiment-time.mjs [--keep]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(pkg, 'dist', 'bin.js');
if (!existsSync(bin)) { console.error(`${bin} missing: pnpm --filter @glyphlm/cli build`); process.exit(1); }
const out = join(pkg, 'test-output', 'runs', 'bench-laptop');
rmSync(out, { recursive: true, force: true });
const load0 = loadavg();
console.log(`glyphlm experiment (default) on ${cpus().length} x ${cpus()[0].model.trim()}; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);
const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'experiment', '--out', out], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } });
const code = await new Promise((r) => child.on('close', r));
const wall = (performance.now() - t0) / 1000;
if (code !== 0) { console.error(`glyphlm experiment exited with ${code}`); process.exit(1); }
const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
const f = (x) => x.toFixed(3);
const ci = (iv) => (iv.ci95 ? `${f(iv.mean)} [${f(iv.ci95[0])}, ${f(iv.ci95[1])}]` : `${f(iv.mean)} (no CI)`);
console.log(`\nwall time ${wall.toFixed(0)} s (budget ${r.setup.budget?.minutes ?? '-'} min = ${(r.setup.budget?.minutes ?? 0) * 60} s): ${wall <= (r.setup.budget?.minutes ?? Infinity) * 60 ? 'within' : 'OVER'} budget; load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`steps per run ${r.setup.training.steps}, tokens per run ${r.setup.tokensPerRun}, calibration: ${r.setup.budget?.calibration.note ?? '-'}`);
console.log(`prepare ${r.setup.timing.prepareSeconds.toFixed(0)} s, train ${r.setup.timing.trainSeconds.toFixed(0)} s, evaluate ${r.setup.timing.evalSeconds.toFixed(0)} s`);
for (const a of r.arms) console.log(`  ${a.label.padEnd(22)} val loss ${ci(a.valLoss)}   MMLU harness ${(100 * (a.mmlu.harness?.mean ?? NaN)).toFixed(1)} %`);
for (const c of r.comparisons.valLoss) console.log(`  ${c.a} - ${c.b}: ${ci(c.diff)}`);
for (const v of r.verdict) console.log(`- ${v}`);
if (!process.argv.includes('--keep')) console.log(`(report: ${join(out, 'report.html')})`);
