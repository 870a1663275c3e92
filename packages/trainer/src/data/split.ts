// The deterministic train/val split: whole documents by a seeded hash of their index, or the tail of the packed
// token stream (nanoGPT's split of one big text).
import { hash32 } from './sampler.js';

const DOC_SALT = 0x68e31da4;

/** Uniform [0, 1) draw for item `index` of a stream keyed by `seed` and `salt`. */
export function unitHash(seed: number, salt: number, index: number): number {
  return hash32(hash32(((seed >>> 0) ^ salt) >>> 0) ^ (index >>> 0)) / 4294967296;
}

/** True when document `index` goes to the val split in 'documents' mode. */
export function isValDocument(seed: number, index: number, valFraction: number): boolean {
  return valFraction > 0 && unitHash(seed, DOC_SALT, index) < valFraction;
}

/** Where the tail split cuts a stream of `n` tokens: train = [0, cut), val = [cut, n). */
export function tailCut(n: number, valFraction: number): number {
  return Math.floor(n * (1 - valFraction));
}
