// Log-likelihood requests of the harness and cloze protocols: contexts and continuations as token ids, tokenized
// the way lm-evaluation-harness does it (`_encode_pair`), fitted into the model's context by dropping shots from
// the end of the shot list (the original script's rule) and, only when zero shots do not fit, left-truncating.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { McqItem } from '../data/types.js';
import { clozeContext, clozeContinuations, harnessContext, harnessContinuations } from './prompts.js';

/** One item's requests: a context shared by all choices and one continuation per choice. */
export interface ItemRequests {
  item: McqItem;
  /** The prompt string (the context before tokenization; hashed into the result's promptsHash). */
  prompt: string;
  context: number[];
  continuations: number[][];
  /** Shots used (harness), after dropping to fit. */
  shots: number;
  /** Context tokens removed from the left (0 unless zero shots did not fit). */
  truncatedTokens: number;
}

/** Thrown when a request does not fit the model and truncation is off (names the item). */
export class ContextLengthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextLengthError';
  }
}

/**
 * lm-evaluation-harness `_encode_pair`: trailing spaces of the context move to the continuation, the continuation's
 * ids are the tail of encode(context + continuation) after encode(context). If the joint encoding does not start
 * with the context's ids (a token straddles the boundary), the continuation is encoded on its own.
 */
export function encodePair(tok: Tokenizer, context: string, continuation: string): { context: number[]; continuation: number[] } {
  const m = /\s+$/u.exec(context);
  if (m) {
    continuation = context.slice(m.index) + continuation;
    context = context.slice(0, m.index);
  }
  const ctx = Array.from(tok.encode(context));
  const whole = tok.encode(context + continuation);
  let prefixOk = whole.length > ctx.length;
  for (let i = 0; prefixOk && i < ctx.length; i++) if (whole[i] !== ctx[i]) prefixOk = false;
  const cont = prefixOk ? Array.from(whole.subarray(ctx.length)) : Array.from(tok.encode(continuation));
  return { context: ctx, continuation: cont };
}

function encodeChoices(tok: Tokenizer, context: string, conts: string[]): { context: number[]; continuations: number[][] } {
  let ctx: number[] = [];
  const continuations = conts.map((c) => {
    const p = encodePair(tok, context, c);
    ctx = p.context;
    return p.continuation;
  });
  return { context: ctx, continuations };
}

/** Tokens the model must hold: context + continuation - 1 (the last continuation token is only a target). */
function needed(ctxLen: number, continuations: number[][]): number {
  return ctxLen + Math.max(...continuations.map((c) => c.length)) - 1;
}

function where(item: McqItem): string {
  return `item ${item.subject}#${item.index}`;
}

/** Left-truncates the context to fit, or throws when truncation is off or even a 1-token context cannot fit. */
function fit(item: McqItem, prompt: string, shots: number, enc: { context: number[]; continuations: number[][] }, blockSize: number, truncate: boolean): ItemRequests {
  const need = needed(enc.context.length, enc.continuations);
  if (need <= blockSize) return { item, prompt, context: enc.context, continuations: enc.continuations, shots, truncatedTokens: 0 };
  const maxCont = Math.max(...enc.continuations.map((c) => c.length));
  if (!truncate) {
    throw new ContextLengthError(`${where(item)}: prompt of ${enc.context.length} tokens + continuation of ${maxCont} tokens - 1 = ${need} exceeds the model's blockSize ${blockSize} with 0 shots, and truncate is false`);
  }
  const keep = blockSize - maxCont + 1;
  if (keep < 1) throw new ContextLengthError(`${where(item)}: a continuation of ${maxCont} tokens does not fit the model's blockSize ${blockSize}`);
  const drop = enc.context.length - keep;
  return { item, prompt, context: enc.context.slice(drop), continuations: enc.continuations, shots, truncatedTokens: drop };
}

export interface HarnessRequestOptions {
  /** Shots wanted (the first k dev items of the subject). */
  shots: number;
  /** The subject's dev items in file order (at least `shots`). */
  dev: readonly McqItem[];
  /** Description before the shots (MMLU: harnessDescription(subject); '' for other datasets). */
  description: string;
  blockSize: number;
  truncate: boolean;
}

/** Harness requests for one item, with shots dropped from the end until prompt + continuation fit. */
export function harnessRequests(tok: Tokenizer, item: McqItem, o: HarnessRequestOptions): ItemRequests {
  const conts = harnessContinuations(item);
  for (let k = o.shots; k >= 0; k--) {
    const prompt = harnessContext(item, o.dev.slice(0, k), o.description);
    // a context alone longer than the block cannot fit with any continuation: skip the joint encodings
    if (k > 0 && tok.encode(prompt).length > o.blockSize) continue;
    const enc = encodeChoices(tok, prompt, conts);
    if (k === 0 || needed(enc.context.length, enc.continuations) <= o.blockSize) return fit(item, prompt, k, enc, o.blockSize, o.truncate);
  }
  throw new Error('unreachable');
}

/** Cloze requests for one item (zero-shot, llm.c's prompt). */
export function clozeRequests(tok: Tokenizer, item: McqItem, blockSize: number, truncate: boolean): ItemRequests {
  const prompt = clozeContext(item);
  return fit(item, prompt, 0, encodeChoices(tok, prompt, clozeContinuations(item)), blockSize, truncate);
}
