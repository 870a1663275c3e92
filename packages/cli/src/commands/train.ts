// `glyphlm train`: one model of one arm on the embedded corpus or --corpus files, from a JSON config and/or flags
// (flags win). The run folder gets data/ (shards), checkpoints/ (resumable; --resume continues), final/ (the
// trained checkpoint) and glyphlm-tokenizer.json, so generate / eval / export-torch work on it directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createArmModel, train } from '@glyphlm/trainer';
import { saveCheckpoint, useBackend } from '@glyphlm/transformer-core';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { requireFile, writeAtomic } from '../cli/files.js';
import { createProgress } from '../cli/progress.js';
import { resolveExperiment } from '../experiment/options.js';
import { prepareExperiment } from '../experiment/prepare.js';
import { ARM_NAMES, type ArmName } from '../experiment/presets.js';
import { existsSync } from 'node:fs';

export interface TrainFlags {
  config?: string;
  preset?: string;
  arm?: string;
  corpus?: string[];
  tokenizer?: string;
  steps?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  workers?: number;
  compact?: boolean;
  out: string;
  resume?: boolean;
}

const CONFIG_KEYS = new Set(['preset', 'arm', 'corpus', 'tokenizer', 'steps', 'batchSize', 'lr', 'seed', 'workers', 'compact']);

function readConfig(path: string): Partial<TrainFlags> {
  requireFile(path, 'config file');
  let cfg: Record<string, unknown>;
  try { cfg = JSON.parse(readFileSync(path, 'utf8')); } catch (err) { throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`); }
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw new UsageError(`${path}: must hold a JSON object`);
  for (const k of Object.keys(cfg)) if (!CONFIG_KEYS.has(k)) throw new UsageError(`${path}: unknown field "${k}" (known: ${[...CONFIG_KEYS].join(', ')})`);
  return cfg as Partial<TrainFlags>;
}

export async function trainCommand(flags: TrainFlags, io: CliIO): Promise<void> {
  const fromFile = flags.config ? readConfig(flags.config) : {};
  const o = { ...fromFile, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) } as TrainFlags;
  const arm = (o.arm ?? 'frozen') as ArmName;
  if (!ARM_NAMES.includes(arm)) throw new UsageError(`arm '${arm}' is unknown (use ${ARM_NAMES.join(', ')})`);
  const { exp } = resolveExperiment({
    preset: o.preset ?? 'laptop', steps: o.steps, seeds: [o.seed ?? 1], arms: [arm], corpus: o.corpus,
    tokenizer: o.tokenizer ?? 'bvv241-2-3', workers: o.workers, compact: o.compact, name: 'train',
  });
  if (o.batchSize !== undefined) exp.preset.train.batchSize = o.batchSize;
  if (o.lr !== undefined) { exp.preset.train.lr = o.lr; exp.preset.train.minLr = o.lr / 10; }
  const ckptDir = join(o.out, 'checkpoints');
  if (existsSync(join(ckptDir, 'latest.json')) && !o.resume) throw new UsageError(`${o.out} already holds a training run: pass --resume to continue it, or another --out`);
  if (o.resume && !existsSync(join(ckptDir, 'latest.json'))) throw new UsageError(`--resume: ${o.out} holds no checkpoint (no checkpoints/latest.json)`);
  await useBackend('auto');
  const prep = await prepareExperiment(exp, o.out, (s) => io.stderr(`${s}\n`));
  const p = exp.preset, t = p.train;
  const model = createArmModel(prep.arms.get(arm)!, prep.config, o.seed ?? 1);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const bar = createProgress(`train ${arm}`, t.steps);
    const res = await train({
      model, data: prep.data, steps: t.steps, batchSize: t.batchSize, seed: o.seed ?? 1, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps,
      weightDecay: t.weightDecay, gradClip: t.gradClip, gradAccumSteps: t.gradAccumSteps, evalEvery: t.evalEvery, evalBatches: t.evalBatches,
      checkpointDir: ckptDir, checkpointEvery: t.checkpointEvery, resume: Boolean(o.resume), workers: p.workers, signal: controller.signal,
      onProgress: (e) => bar.update({ done: e.step, info: `loss ${e.loss.toFixed(3)}${e.valLoss !== undefined ? ` val ${e.valLoss.toFixed(3)}` : ''} · ${Math.round(e.tokensPerSecond)} tok/s` }),
    });
    bar.stop();
    if (res.aborted) { io.stderr(`glyphlm: stopped at step ${res.step}; continue with --resume\n`); process.exitCode = 130; return; }
    await saveCheckpoint(model, join(o.out, 'final'));
    await writeAtomic(join(o.out, 'history.json'), JSON.stringify(res.history));
    const last = res.history[res.history.length - 1];
    const val = [...res.history].reverse().find((h) => h.valLoss !== undefined)?.valLoss;
    io.stdout(`${join(o.out, 'final')}: ${res.step} steps, ${last?.tokens.toLocaleString('en-US')} tokens, loss ${last?.loss.toFixed(4)}${val !== undefined ? `, val loss ${val.toFixed(4)}` : ''}\n`);
  } finally {
    process.off('SIGINT', stop);
    model.dispose();
  }
}
