// `glyphlm export-torch` / `glyphlm import-torch`: the bridge to the PyTorch twin (interop/python). Export copies a
// run's latest trainer checkpoint (model + optimizer + trainer.json, SPECS.md layout) and its shards into one
// folder and prints the torchrun command of interop/python/continue_training.py; import validates a checkpoint
// directory the twin wrote (latest.json, config and weights) and copies it into a glyphlm trainer directory.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadCheckpoint, useBackend } from '@glyphlm/transformer-core';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { requireDir, writeDirAtomic } from '../cli/files.js';
import { TOKENIZER_SIDECAR } from '../cli/sidecar.js';

function findTrainerDir(path: string): string {
  requireDir(path, 'run directory');
  for (const c of [path, join(path, 'checkpoints')]) if (existsSync(join(c, 'latest.json'))) return c;
  throw new UsageError(`${path} holds no trainer checkpoint (no latest.json, no checkpoints/latest.json)`);
}

function readLatest(dir: string): { step: number; dir: string } {
  const p = join(dir, 'latest.json');
  let rec: { step?: unknown; dir?: unknown };
  try { rec = JSON.parse(readFileSync(p, 'utf8')); } catch (err) { throw new UsageError(`${p}: not valid JSON (${(err as Error).message})`); }
  if (typeof rec.dir !== 'string' || typeof rec.step !== 'number') throw new UsageError(`${p}: fields "step" and "dir" are required`);
  for (const f of ['config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer.json']) {
    if (!existsSync(join(dir, rec.dir, f))) throw new UsageError(`${join(dir, rec.dir)}: ${f} is missing`);
  }
  return { step: rec.step, dir: rec.dir };
}

/** The shard folder of a run: <run>/data, or up the tree for an experiment arm (runs/x/arms/a/s1 -> runs/x/data). */
function findShards(run: string): string | null {
  let d = resolve(run);
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, 'data', 'corpus.json'))) return join(d, 'data');
    d = resolve(d, '..');
  }
  return null;
}

function findSidecar(run: string): string | null {
  let d = resolve(run);
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, TOKENIZER_SIDECAR))) return join(d, TOKENIZER_SIDECAR);
    d = resolve(d, '..');
  }
  return null;
}

export interface ExportFlags {
  out: string;
  nproc: number;
  steps: number;
  init?: boolean;
  preset?: string;
  arm?: string;
  seed?: number;
}

export async function exportTorchCommand(run: string | undefined, opts: ExportFlags, io: CliIO): Promise<void> {
  if (opts.init) {
    if (run !== undefined) throw new UsageError('export-torch --init takes no run directory (it makes a fresh step-0 run from --preset and --arm)');
    const { initTorchRun } = await import('./torch-init.js');
    run = await initTorchRun({ preset: opts.preset ?? 'laptop', arm: opts.arm ?? 'frozen', seed: opts.seed ?? 1, out: `${opts.out}.init` }, io);
  }
  if (run === undefined) throw new UsageError('export-torch: give a run directory, or --init --preset <name> --arm <arm>');
  const ckpt = findTrainerDir(run);
  const latest = readLatest(ckpt);
  const shards = findShards(run);
  if (!shards) throw new UsageError(`${run}: no shard folder (data/corpus.json) in it or above it; train with glyphlm train / experiment`);
  const sidecar = findSidecar(run);
  const out = resolve(opts.out);
  await writeDirAtomic(out, async (tmp) => {
    await cp(join(ckpt, latest.dir), join(tmp, 'ckpt', latest.dir), { recursive: true });
    await cp(join(ckpt, 'latest.json'), join(tmp, 'ckpt', 'latest.json'));
    await cp(shards, join(tmp, 'shards'), { recursive: true });
    if (sidecar) await cp(sidecar, join(tmp, TOKENIZER_SIDECAR));
  });
  const trainer = JSON.parse(await readFile(join(ckpt, latest.dir, 'trainer.json'), 'utf8')) as { options?: { steps?: number } };
  const horizon = Math.max(trainer.options?.steps ?? 0, latest.step + opts.steps);
  io.stdout(`${out}: step ${latest.step} checkpoint (model, optimizer, trainer state) + shards\n`);
  io.stdout('continue with PyTorch (DDP on CPU; FSDP on GPUs with --wrap auto), then come back with glyphlm import-torch:\n');
  io.stdout(`  torchrun --standalone --nproc_per_node=${opts.nproc} interop/python/continue_training.py --ckpt ${join(out, 'ckpt')} --data ${join(out, 'shards')} --steps ${opts.steps} --total-steps ${horizon} --out ${join(out, 'ckpt-torch')}\n`);
  io.stdout(`  glyphlm import-torch ${join(out, 'ckpt-torch')} --out ${join(out, 'ckpt-back')}\n`);
}

export async function importTorchCommand(dir: string, opts: { out: string }, io: CliIO): Promise<void> {
  requireDir(dir, 'checkpoint directory');
  if (!existsSync(join(dir, 'latest.json'))) throw new UsageError(`${dir}: no latest.json (expected the twin's trainer checkpoint directory)`);
  const latest = readLatest(dir);
  await useBackend('auto');
  const model = await loadCheckpoint(join(dir, latest.dir)); // validates config.json and every tensor
  const vocab = model.config.vocabSize;
  model.dispose();
  const sidecar = findSidecar(dir);
  await writeDirAtomic(resolve(opts.out), async (tmp) => {
    await cp(join(dir, latest.dir), join(tmp, latest.dir), { recursive: true });
    await cp(join(dir, 'latest.json'), join(tmp, 'latest.json'));
    if (sidecar) await cp(sidecar, join(tmp, TOKENIZER_SIDECAR));
  });
  const steps = readdirSync(opts.out).filter((f) => statSync(join(opts.out, f)).isDirectory());
  io.stdout(`${opts.out}: step ${latest.step} (${steps.join(', ')}), vocabulary ${vocab}; glyphlm generate ${opts.out} -p "..." loads it\n`);
}
