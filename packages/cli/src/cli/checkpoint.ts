// Finding and loading checkpoints for the command line: a plain checkpoint directory (config.json +
// model.safetensors), a trainer checkpoint directory (latest.json -> step-*/) or an experiment arm folder
// (its `final/` checkpoint). The tokenizer comes from --tokenizer or the folder's `glyphlm-tokenizer.json`
// sidecar; a checkpoint whose vocabulary does not fit the tokenizer is a UsageError before weights are read.
// A fused folder (fused.json + member-<i>/, transformer-core's saveFused) loads as one FusedModel.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadCheckpoint, loadFused, parseFusedManifest, useBackend, type FusedModel, type GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import { UsageError } from './errors.js';
import { requireDir } from './files.js';
import { resolveTokenizer } from './tokenizer.js';
import { readTokenizerSidecar, TOKENIZER_SIDECAR } from './sidecar.js';

/** The directory holding config.json + model.safetensors that `path` designates. */
export function resolveCheckpointDir(path: string): string {
  requireDir(path, 'checkpoint directory');
  if (existsSync(join(path, 'config.json'))) return path;
  if (existsSync(join(path, 'final', 'config.json'))) return join(path, 'final');
  for (const base of [path, join(path, 'checkpoints')]) {
    const latest = join(base, 'latest.json');
    if (existsSync(latest)) {
      let rec: { dir?: unknown };
      try { rec = JSON.parse(readFileSync(latest, 'utf8')); } catch (err) { throw new UsageError(`${latest}: not valid JSON (${(err as Error).message})`); }
      if (typeof rec.dir !== 'string') throw new UsageError(`${latest}: field "dir" missing`);
      const dir = join(base, rec.dir);
      if (!existsSync(join(dir, 'config.json'))) throw new UsageError(`${latest} names ${rec.dir}, which has no config.json`);
      return dir;
    }
  }
  throw new UsageError(`${path} is not a checkpoint (no config.json, final/ or latest.json)`);
}

/** Reads config.json's vocabSize without loading weights. */
export function checkpointVocabSize(dir: string): number {
  const p = join(dir, 'config.json');
  let cfg: { vocabSize?: unknown };
  try { cfg = JSON.parse(readFileSync(p, 'utf8')); } catch (err) { throw new UsageError(`${p}: not valid JSON (${(err as Error).message})`); }
  if (typeof cfg.vocabSize !== 'number') throw new UsageError(`${p}: field "vocabSize" missing`);
  return cfg.vocabSize;
}

/** The tokenizer for a checkpoint: --tokenizer, else the nearest sidecar (dir, then up to 5 parents), else bvv241-2-3. */
export async function tokenizerForCheckpoint(dir: string, flag: string | undefined): Promise<Tokenizer> {
  if (flag !== undefined) return resolveTokenizer(flag);
  let d = resolve(dir);
  for (let i = 0; i < 6; i++) {
    const p = join(d, TOKENIZER_SIDECAR);
    if (existsSync(p)) return readTokenizerSidecar(p);
    d = dirname(d);
  }
  return resolveTokenizer('bvv241-2-3');
}

/** The manifest transformer-core's saveFused writes into a fused folder. */
export const FUSED_MANIFEST = 'fused.json';

/** True when `path` is a fused folder (holds fused.json). */
export function isFusedDir(path: string): boolean {
  return existsSync(join(path, FUSED_MANIFEST));
}

/** Loads a fused folder after checking every member's vocabulary against the tokenizer (before weights are read). */
async function loadCheckedFused(dir: string, tokenizerFlag?: string): Promise<{ model: FusedModel; tokenizer: Tokenizer; dir: string }> {
  const tokenizer = await tokenizerForCheckpoint(dir, tokenizerFlag);
  const file = join(dir, FUSED_MANIFEST);
  const manifest = parseFusedManifest(readFileSync(file, 'utf8'), file);
  for (const m of manifest.members) {
    const vocab = checkpointVocabSize(join(dir, m.dir));
    if (vocab !== tokenizer.vocabSize) throw new UsageError(`fused member ${join(dir, m.dir)} has vocabSize ${vocab} but tokenizer ${tokenizer.name} has ${tokenizer.vocabSize}: they do not match`);
  }
  await useBackend('auto');
  return { model: await loadFused(dir), tokenizer, dir };
}

/** Loads the checkpoint (or fused folder) at `path` after checking that its vocabulary fits `tok`. */
export async function loadCheckedModel(path: string, tokenizerFlag?: string): Promise<{ model: GPT | FusedModel; tokenizer: Tokenizer; dir: string }> {
  requireDir(path, 'checkpoint directory');
  if (isFusedDir(path)) return loadCheckedFused(path, tokenizerFlag);
  const dir = resolveCheckpointDir(path);
  const tokenizer = await tokenizerForCheckpoint(dir, tokenizerFlag);
  const vocab = checkpointVocabSize(dir);
  if (vocab !== tokenizer.vocabSize) {
    throw new UsageError(`checkpoint ${dir} has vocabSize ${vocab} but tokenizer ${tokenizer.name} has ${tokenizer.vocabSize}: they do not match`);
  }
  await useBackend('auto');
  const model = await loadCheckpoint(dir);
  return { model, tokenizer, dir };
}
