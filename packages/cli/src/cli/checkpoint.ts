// Finding and loading checkpoints for the command line: a plain checkpoint directory (config.json +
// model.safetensors), a trainer checkpoint directory (latest.json -> step-*/) or an experiment arm folder
// (its `final/` checkpoint). The tokenizer comes from --tokenizer or the folder's `glyphlm-tokenizer.json`
// sidecar; a checkpoint whose vocabulary does not fit the tokenizer is a UsageError before weights are read.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadCheckpoint, useBackend, type GPT } from '@glyphlm/transformer-core';
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

/** Loads the checkpoint at `path` after checking that its vocabulary fits `tok`. */
export async function loadCheckedModel(path: string, tokenizerFlag?: string): Promise<{ model: GPT; tokenizer: Tokenizer; dir: string }> {
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
