// `glyphlm fuse`: two or more checkpoints trained over one frozen glyph table -> one fused model (transformer-core's
// fuseModels: the weighted average of the members' logits, or of their probabilities) saved as a fused folder
// (saveFused: fused.json + member-<i>/) with the tokenizer sidecar, so `glyphlm eval` and `glyphlm generate` load it
// like a checkpoint. Members must share the tokenizer, the vocabulary and the table (checked before anything is
// written; a mismatch is one line naming the member, exit 2).
import { copyFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fuseModels, saveFused, type GPT } from '@glyphlm/transformer-core';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { isFusedDir, loadCheckedModel, resolveCheckpointDir } from '../cli/checkpoint.js';
import { TOKENIZER_SIDECAR } from '../cli/sidecar.js';

export interface FuseFlags {
  out: string;
  weights?: number[];
  average: 'logits' | 'probs';
  tokenizer?: string;
}

function nearestSidecar(dir: string): string | null {
  let d = resolve(dir);
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, TOKENIZER_SIDECAR))) return join(d, TOKENIZER_SIDECAR);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

export async function fuseCommand(checkpoints: string[], flags: FuseFlags, io: CliIO): Promise<void> {
  if (checkpoints.length < 2) throw new UsageError(`fuse: give at least two checkpoints, got ${checkpoints.length}`);
  if (flags.weights !== undefined && flags.weights.length !== checkpoints.length) {
    throw new UsageError(`--weights: ${flags.weights.length} weights for ${checkpoints.length} checkpoints (give one per checkpoint)`);
  }
  for (const c of checkpoints) if (existsSync(c) && isFusedDir(c)) throw new UsageError(`${c} is a fused model; fuse its members instead (a fused model cannot be a member)`);
  const dirs = checkpoints.map((c) => resolveCheckpointDir(c));
  const out = resolve(flags.out);
  if (existsSync(out) && !isFusedDir(out) && readdirSync(out).length > 0) throw new UsageError(`--out ${flags.out} exists and is not empty (an existing fused folder is replaced; other folders are not)`);
  const members: GPT[] = [];
  let tokFingerprint: string | null = null;
  try {
    for (const [i, c] of checkpoints.entries()) {
      const { model, tokenizer } = await loadCheckedModel(c, flags.tokenizer);
      members.push(model as GPT);
      if (tokFingerprint === null) tokFingerprint = tokenizer.fingerprint;
      else if (tokenizer.fingerprint !== tokFingerprint) {
        throw new UsageError(`member ${i} (${c}) uses tokenizer ${tokenizer.name} ${tokenizer.fingerprint.slice(0, 12)}…, member 0 uses ${tokFingerprint.slice(0, 12)}…: members must share the tokenizer`);
      }
    }
  } catch (err) {
    members.forEach((m) => m.dispose());
    throw err;
  }
  let fused;
  try {
    fused = await fuseModels(members, { ...(flags.weights ? { weights: flags.weights } : {}), average: flags.average });
  } catch (err) {
    members.forEach((m) => m.dispose());
    throw err;
  }
  try {
    await saveFused(fused, out);
    const sidecar = flags.tokenizer === undefined ? nearestSidecar(dirs[0]) : null;
    if (sidecar) await copyFile(sidecar, join(out, TOKENIZER_SIDECAR));
    io.stdout(`${out}: ${members.length} members (${fused.members.map((m) => `${m.config.nLayer} x ${m.config.dModel}`).join(', ')}), weights ${fused.weights.map((w) => w.toFixed(3)).join(', ')}, average of ${fused.average}, table ${fused.tableFingerprint.slice(0, 12)}…\n`);
  } finally {
    fused.dispose();
  }
}
