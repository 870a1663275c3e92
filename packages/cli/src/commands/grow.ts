// `glyphlm grow`: a trained checkpoint -> a deeper model (@glyphlm/trainer's grow: new blocks on top, the same
// frozen table and head, the blocks below frozen), trained on the run's shards stage by stage (growthSchedule:
// stage 1 trains the first new blocks, each later stage adds --add-layers more, an optional last stage trains every
// block). The output folder is a run folder like `glyphlm train`'s: checkpoints/ (per stage, resumable with
// --resume), final/ (an ordinary checkpoint for generate / eval / loadCheckpoint / the PyTorch twin), history.json,
// grow.json and the tokenizer sidecar.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { grow, growthSchedule, type CorpusData } from '@glyphlm/trainer';
import { readShards } from '@glyphlm/trainer/node';
import { loadCheckpoint, saveCheckpoint, useBackend } from '@glyphlm/transformer-core';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { checkpointVocabSize, resolveCheckpointDir, tokenizerForCheckpoint } from '../cli/checkpoint.js';
import { requireDir, writeAtomic } from '../cli/files.js';
import { createProgress } from '../cli/progress.js';
import { TOKENIZER_SIDECAR, writeTokenizerSidecar } from '../cli/sidecar.js';

export interface GrowFlags {
  addLayers: number;
  freeze: 'below' | 'none';
  init: 'identity' | 'fresh';
  steps?: number;
  stages: number;
  finalAllLayers?: number;
  data?: string;
  tokenizer?: string;
  batchSize?: number;
  lr?: number;
  seed?: number;
  workers: number;
  out: string;
  resume?: boolean;
}

/** The nearest `name` in `start` or up to `levels` folders above it, or null. */
function findUp(start: string, name: string, levels = 5): string | null {
  let d = resolve(start);
  for (let i = 0; i <= levels; i++) {
    if (existsSync(join(d, name))) return join(d, name);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

/** The source run's recorded training options (trainer.json beside the weights), if any. */
function recordedOptions(dir: string): Partial<Record<string, number>> {
  const p = join(dir, 'trainer.json');
  if (!existsSync(p)) return {};
  try {
    const t = JSON.parse(readFileSync(p, 'utf8')) as { options?: Record<string, number> };
    return t.options ?? {};
  } catch (err) {
    throw new UsageError(`${p}: not valid JSON (${(err as Error).message})`);
  }
}

export async function growCommand(checkpoint: string, flags: GrowFlags, io: CliIO): Promise<void> {
  // every check before any work: source, tokenizer, shards, output folder
  const src = resolveCheckpointDir(checkpoint);
  const tokenizer = await tokenizerForCheckpoint(src, flags.tokenizer);
  const vocab = checkpointVocabSize(src);
  if (vocab !== tokenizer.vocabSize) throw new UsageError(`checkpoint ${src} has vocabSize ${vocab} but tokenizer ${tokenizer.name} has ${tokenizer.vocabSize}: they do not match`);
  const dataDir = flags.data !== undefined ? requireDir(flags.data, '--data shard folder') : findUp(checkpoint, 'data') ;
  if (dataDir === null || !existsSync(join(dataDir, 'corpus.json'))) {
    throw new UsageError(`${checkpoint}: no shard folder (data/corpus.json) in it or above it; pass --data <shard folder>`);
  }
  const rec = recordedOptions(src);
  const steps = flags.steps ?? rec.steps ?? 100;
  const ckptDir = join(flags.out, 'checkpoints');
  if (existsSync(ckptDir) && !flags.resume) throw new UsageError(`${flags.out} already holds a growth run: pass --resume to continue it, or another --out`);
  if (flags.resume && !existsSync(ckptDir)) throw new UsageError(`--resume: ${flags.out} holds no growth run (no checkpoints/)`);
  const data: CorpusData = await readShards(dataDir);
  if (data.vocabSize !== vocab) throw new UsageError(`${join(dataDir, 'corpus.json')}: vocabSize ${data.vocabSize} does not match the checkpoint's ${vocab}`);
  if (data.meta.tokenizerFingerprint !== tokenizer.fingerprint) {
    throw new UsageError(`${join(dataDir, 'corpus.json')}: field "meta.tokenizerFingerprint" ${String(data.meta.tokenizerFingerprint).slice(0, 12)}… is not the checkpoint's tokenizer (${tokenizer.fingerprint.slice(0, 12)}…)`);
  }

  await useBackend('auto');
  const base = await loadCheckpoint(src);
  const oldLayers = base.config.nLayer;
  const seed = flags.seed ?? rec.seed ?? 1;
  const grown = await grow(base, { addLayers: flags.addLayers, freeze: flags.freeze, init: flags.init, seed });
  base.dispose();
  const lr = flags.lr ?? rec.lr ?? 1e-3;
  const finalSteps = flags.finalAllLayers ?? 0;
  const total = flags.stages * steps + finalSteps;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  let result: Awaited<ReturnType<typeof growthSchedule>> | undefined;
  try {
    const bar = createProgress(`grow ${oldLayers}->${oldLayers + flags.stages * flags.addLayers}`, total);
    result = await growthSchedule(
      { stages: flags.stages, stepsPerStage: steps, layersPerStage: flags.addLayers, finalAllLayers: finalSteps, init: flags.init,
        onStage: (s) => bar.log(`stage ${s.stage}: ${s.nLayer} blocks (${s.frozenLayers.length} frozen), ${s.steps} steps${s.valLoss !== undefined ? `, val loss ${s.valLoss.toFixed(4)}` : ''}`) },
      {
        model: grown, data, batchSize: flags.batchSize ?? rec.batchSize ?? 8, seed, lr, minLr: lr / 10,
        warmupSteps: Math.max(1, Math.round(steps * 0.05)), weightDecay: rec.weightDecay ?? 0.1, gradClip: rec.gradClip ?? 1,
        gradAccumSteps: rec.gradAccumSteps ?? 1, evalEvery: Math.max(1, Math.ceil(steps / 5)), evalBatches: rec.evalBatches ?? 4,
        checkpointDir: ckptDir, checkpointEvery: Math.max(1, Math.ceil(steps / 4)), resume: Boolean(flags.resume), workers: flags.workers,
        signal: controller.signal,
        onProgress: (e) => bar.update({ done: e.step, info: `loss ${e.loss.toFixed(3)}${e.valLoss !== undefined ? ` val ${e.valLoss.toFixed(3)}` : ''} · ${Math.round(e.tokensPerSecond)} tok/s` }),
      },
    );
    bar.stop();
    if (result.aborted) { io.stderr(`glyphlm: stopped during stage ${result.stages.length}; continue with --resume\n`); process.exitCode = 130; return; }
    const model = result.model;
    await saveCheckpoint(model, join(flags.out, 'final'));
    const sidecar = flags.tokenizer === undefined ? findUp(src, TOKENIZER_SIDECAR) : null;
    if (sidecar) await copyFile(sidecar, join(flags.out, TOKENIZER_SIDECAR));
    else await writeTokenizerSidecar(flags.out, tokenizer, flags.tokenizer ?? 'bvv241-2-3', null);
    await writeAtomic(join(flags.out, 'history.json'), JSON.stringify(result.history));
    await writeAtomic(join(flags.out, 'grow.json'), JSON.stringify({
      source: resolve(src), data: resolve(dataDir), fromLayers: oldLayers, toLayers: model.config.nLayer,
      addLayers: flags.addLayers, freeze: flags.freeze, init: flags.init, seed, stepsPerStage: steps, finalAllLayers: finalSteps, stages: result.stages,
    }, null, 2));
    const last = result.history[result.history.length - 1];
    const val = [...result.history].reverse().find((h) => h.valLoss !== undefined)?.valLoss;
    io.stdout(`${join(flags.out, 'final')}: ${oldLayers} -> ${model.config.nLayer} blocks, ${result.stages.length} stage(s), ${last?.step ?? 0} steps, loss ${last?.loss.toFixed(4)}${val !== undefined ? `, val loss ${val.toFixed(4)}` : ''}\n`);
  } finally {
    process.off('SIGINT', stop);
    if (result && result.model !== grown) result.model.dispose();
    grown.dispose();
  }
}
