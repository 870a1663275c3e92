// Fusion of models trained on one frozen input table (the author's *_moe models: specialists trained separately
// and merged after training by averaging their output logits, no retraining). `fuseModels` checks that the members
// share the vocabulary, the tokenizer and the frozen table (by a SHA-256 fingerprint of its bytes) and returns a
// model with the interface evaluators use (config, forward/logits, loss, logprobs, generate, stateDict, dispose).
// A fused model saves as a folder of member checkpoints plus fused.json (fuse-io.ts).
import { tf } from './tf.js';
import type { ResolvedConfig } from './config.js';
import type { GPT, StateDict } from './model.js';
import type { GenerateOptions } from './generate.js';
import type { LogprobOptions, LogprobRequest, LogprobResult } from './logprobs.js';
import { toBatch, InputError, type IdBatch } from './input.js';
import { readSharded } from './weights.js';
import { combineTensors, type FusionAverage } from './fuse-combine.js';
import { generateFused } from './fuse-generate.js';
import { logprobsFused } from './fuse-score.js';

export type { FusionAverage } from './fuse-combine.js';

export interface FuseOptions {
  /** Weight of each member (default equal); non-negative, normalised to sum 1. */
  weights?: readonly number[];
  /** 'logits' (default, the author's): weighted mean of the logits. 'probs': weighted mean of the probabilities. */
  average?: FusionAverage;
  /**
   * Accept members whose input table is trainable (default false: fusion is defined over one shared frozen table).
   * Their tables must still be bit-identical (e.g. a trainable-table model fused with itself or its copies).
   */
  allowTrainableTables?: boolean;
}

/** Thrown when members cannot be fused; the message names the member (by index) and the field. */
export class FusionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FusionError';
  }
}

/** The fused model's config: member 0's architecture, the smallest blockSize, and the fusion itself. */
export type FusedConfig = ResolvedConfig & { fusion: { members: number; weights: number[]; average: FusionAverage } };

/** SHA-256 (hex) over a model's input table: its shape, then its float32 bytes (little-endian). */
export async function tableFingerprint(model: GPT): Promise<string> {
  const data = await readSharded(model.embedding);
  const head = new TextEncoder().encode(`glyphlm-table:${model.config.vocabSize}x${model.config.nEmbed}:`);
  const bytes = new Uint8Array(head.length + data.byteLength);
  bytes.set(head);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new FusionError('tableFingerprint: needs WebCrypto (globalThis.crypto.subtle: Node >= 19, or a browser secure context)');
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function tokenizerOf(m: GPT): string | undefined {
  const f = m.embeddingMeta?.tokenizerFingerprint;
  return typeof f === 'string' && f ? f : undefined;
}

export class FusedModel {
  readonly members: readonly GPT[];
  /** Normalised weights (sum 1), one per member. */
  readonly weights: readonly number[];
  readonly average: FusionAverage;
  readonly config: FusedConfig;
  /** SHA-256 of the members' shared input table (tableFingerprint). */
  readonly tableFingerprint: string;
  /** The tokenizer fingerprint the members' embeddingMeta records, if any. */
  readonly tokenizerFingerprint: string | undefined;
  private disposed = false;

  /** Use fuseModels() or loadFused(). */
  constructor(members: readonly GPT[], weights: readonly number[], average: FusionAverage, table: string, tokenizer: string | undefined) {
    this.members = [...members];
    this.weights = [...weights];
    this.average = average;
    this.tableFingerprint = table;
    this.tokenizerFingerprint = tokenizer;
    const blockSize = Math.min(...members.map((m) => m.config.blockSize));
    this.config = { ...members[0].config, blockSize, fusion: { members: members.length, weights: [...weights], average } };
  }

  /** Whether the input table is frozen in every member ('frozen') or trainable ('trainable'). */
  get embeddingKind(): 'frozen' | 'trainable' {
    return this.members.every((m) => m.embeddingKind === 'frozen') ? 'frozen' : 'trainable';
  }

  get embeddingMeta(): Record<string, unknown> | undefined {
    return this.members[0].embeddingMeta;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('fused model: used after dispose()');
  }

  /** Fused logits [B, T, vocab] as a tensor (dispose it); with average 'probs', log of the mixed probabilities. */
  forward(ids: IdBatch): tf.Tensor3D {
    this.checkAlive();
    const c = this.config;
    const batch = toBatch(ids, c.vocabSize, c.blockSize, 'forward ids');
    const shaped = { data: batch.data, shape: [batch.B, batch.T] as const };
    return tf.tidy(() => combineTensors(this.members.map((m) => m.forward(shaped)), this.weights, this.average) as tf.Tensor3D);
  }

  /** Fused logits [B, T, vocab] as a Float32Array (row-major). */
  async logits(ids: IdBatch): Promise<Float32Array> {
    const t = this.forward(ids);
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  }

  /**
   * Mean next-token cross-entropy of the fused distribution (targets < 0 ignored), a scalar tensor (dispose it):
   * for evaluation (no dropout); computed a row at a time, so one row's logits per member are alive at once.
   */
  loss(ids: IdBatch, targets: IdBatch): tf.Scalar {
    this.checkAlive();
    const c = this.config;
    const batch = toBatch(ids, c.vocabSize, c.blockSize, 'loss ids');
    const tg = toBatch(targets, c.vocabSize, c.blockSize, 'loss targets', true);
    if (tg.B !== batch.B || tg.T !== batch.T) throw new InputError(`loss: targets shape [${tg.B}, ${tg.T}] does not match ids shape [${batch.B}, ${batch.T}]`);
    const { B, T } = batch;
    const V = c.vocabSize;
    let count = 0;
    for (let i = 0; i < tg.data.length; i++) if (tg.data[i] >= 0) count++;
    if (count === 0) throw new InputError('loss: every target is ignored (< 0)');
    let total = tf.scalar(0);
    for (let b = 0; b < B; b++) {
      const flat: number[] = [];
      for (let t = 0; t < T; t++) if (tg.data[b * T + t] >= 0) flat.push(t * V + tg.data[b * T + t]);
      if (flat.length === 0) continue;
      const next = tf.tidy(() => {
        const row = { data: batch.data.subarray(b * T, (b + 1) * T), shape: [1, T] as const };
        const fused = combineTensors(this.members.map((m) => m.forward(row)), this.weights, this.average);
        const lsm = tf.logSoftmax(tf.reshape(fused, [T, V]), -1);
        return tf.sub(total, tf.sum(tf.gather(tf.reshape(lsm, [-1]), tf.tensor1d(Int32Array.from(flat), 'int32'))));
      }) as tf.Scalar;
      total.dispose();
      total = next;
    }
    const mean = tf.div(total, count) as tf.Scalar;
    total.dispose();
    return mean;
  }

  /** Scores continuations under the fused distribution (same contract as GPT.logprobs). */
  logprobs(requests: LogprobRequest[], opts: LogprobOptions = {}): Promise<LogprobResult[]> {
    this.checkAlive();
    return logprobsFused(this.members, this.weights, this.average, this.config.vocabSize, this.config.blockSize, requests, opts);
  }

  /** Streams token ids sampled from the fused logits; each member keeps its own KV cache. */
  generate(prompt: ArrayLike<number>, opts: GenerateOptions = {}): AsyncGenerator<number, void, undefined> {
    this.checkAlive();
    return generateFused(this.members, this.weights, this.average, this.config.vocabSize, this.config.blockSize, prompt, opts);
  }

  /**
   * Every member's weights under `members.<i>.<name>` plus `fusion.weights` [n]: what a fingerprint of the fused
   * model needs (config carries the averaging rule).
   */
  async stateDict(): Promise<StateDict> {
    this.checkAlive();
    const out: StateDict = new Map();
    for (let i = 0; i < this.members.length; i++) {
      for (const [name, t] of await this.members[i].stateDict()) out.set(`members.${i}.${name}`, t);
    }
    out.set('fusion.weights', { shape: [this.weights.length], data: Float32Array.from(this.weights) });
    return out;
  }

  /** Disposes every member (the fused model owns them). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.members.forEach((m) => m.dispose());
  }
}

function checkWeights(weights: readonly number[] | undefined, n: number): number[] {
  if (weights === undefined) return Array.from({ length: n }, () => 1 / n);
  if (!Array.isArray(weights) || weights.length !== n) throw new FusionError(`fuseModels: options.weights must hold one number per member (${n}), got ${JSON.stringify(weights)}`);
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new FusionError(`fuseModels: options.weights[${i}] must be a finite number >= 0, got ${JSON.stringify(w)}`);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new FusionError('fuseModels: options.weights are all zero');
  return weights.map((w) => w / sum);
}

/** Everything fuseModels checks that needs no tensor reads (also used by loadFused before loading weights). */
function checkMembers(members: readonly GPT[], opts: FuseOptions): void {
  members.forEach((m, i) => {
    const ok = m && typeof m === 'object' && m.config && m.embedding && Array.isArray(m.layers) && typeof m.stateDict === 'function';
    if (!ok) throw new FusionError(`fuseModels: member ${i} is not a transformer-core GPT`);
    if (!opts.allowTrainableTables && m.embeddingKind !== 'frozen') {
      throw new FusionError(`fuseModels: member ${i} has a trainable input table; fusion averages models over one shared frozen table (pass allowTrainableTables: true to fuse anyway; the tables must still be identical)`);
    }
  });
  const c0 = members[0].config;
  const t0 = tokenizerOf(members[0]);
  members.forEach((m, i) => {
    if (i === 0) return;
    for (const field of ['vocabSize', 'nEmbed'] as const) {
      if (m.config[field] !== c0[field]) throw new FusionError(`fuseModels: member ${i} has config.${field} ${m.config[field]}, member 0 has ${c0[field]}: members must share the vocabulary and the input table`);
    }
    const t = tokenizerOf(m);
    if (t0 !== undefined && t !== undefined && t !== t0) {
      throw new FusionError(`fuseModels: member ${i} was built for tokenizer ${t} (embeddingMeta.tokenizerFingerprint), member 0 for ${t0}: members must share the tokenizer`);
    }
  });
}

/**
 * Fuses models trained over the same frozen table: the result's logits are the weighted average of the members'
 * (options.average 'logits', the default and the author's choice) or the log of the weighted average of their
 * probabilities ('probs'). Errors name the member at fault. The fused model owns the members (dispose() frees them).
 */
export async function fuseModels(members: readonly GPT[], opts: FuseOptions = {}): Promise<FusedModel> {
  if (!Array.isArray(members) || members.length === 0) throw new FusionError('fuseModels: expected a non-empty array of models');
  if (!opts || typeof opts !== 'object') throw new FusionError('fuseModels: options must be an object');
  const average = opts.average ?? 'logits';
  if (average !== 'logits' && average !== 'probs') throw new FusionError(`fuseModels: options.average must be "logits" or "probs", got ${JSON.stringify(opts.average)}`);
  const weights = checkWeights(opts.weights, members.length);
  checkMembers(members, opts);
  if (new Set(members).size !== members.length) throw new FusionError('fuseModels: the same model object appears twice (load it twice to fuse a model with itself)');
  const prints = await Promise.all(members.map((m) => tableFingerprint(m)));
  prints.forEach((p, i) => {
    if (p !== prints[0]) {
      throw new FusionError(`fuseModels: member ${i}'s input table differs from member 0's (table fingerprint ${p.slice(0, 16)}… vs ${prints[0].slice(0, 16)}…): fusion needs members trained on one frozen table`);
    }
  });
  const tokenizer = members.map(tokenizerOf).find((t) => t !== undefined);
  return new FusedModel(members, weights, average, prints[0], tokenizer);
}

