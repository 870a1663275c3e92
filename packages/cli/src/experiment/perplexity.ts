// Perplexity per writing system on held-out text (text neither the train nor the val split contains): each
// group's text is encoded, cut into non-overlapping windows of the model's context, and the mean next-token loss
// is taken over every target that is a real token (targets the tokenizer maps to <unk> are left out and counted).
import type { GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { HeldOutGroup } from '../corpus/corpus-plan.js';

export interface ScriptPerplexity {
  key: string;
  name: string;
  /** Targets scored. */
  tokens: number;
  /** Mean loss (nats per token) and exp of it. */
  loss: number;
  perplexity: number;
  /** Share of held-out tokens the tokenizer maps to <unk> (not scored). */
  unkShare: number;
}

function unkIdOf(tok: Tokenizer): number | undefined {
  return tok.specialTokens['<unk>'] ?? tok.specialTokens['[UNK]'];
}

/** Loss of the model on up to `maxTokens` targets of each held-out group. */
export async function perplexityByScript(model: GPT, tok: Tokenizer, groups: readonly HeldOutGroup[], maxTokens: number): Promise<ScriptPerplexity[]> {
  const T = model.config.blockSize;
  const unk = unkIdOf(tok);
  const out: ScriptPerplexity[] = [];
  for (const g of groups) {
    const all = tok.encode(g.text);
    const n = Math.min(all.length, maxTokens + 1);
    let unkCount = 0;
    for (let i = 1; i < n; i++) if (all[i] === unk) unkCount++;
    let sum = 0, count = 0;
    for (let o = 0; o + 1 < n; o += T) {
      const len = Math.min(T, n - 1 - o);
      const ids = [Array.from(all.subarray(o, o + len))];
      const targets = [Array.from(all.subarray(o + 1, o + 1 + len), (t) => (t === unk ? -1 : t))];
      const valid = targets[0].filter((t) => t >= 0).length;
      if (valid === 0) continue;
      const lossT = model.loss(ids, targets);
      const [l] = await lossT.data();
      lossT.dispose();
      sum += l * valid; count += valid;
    }
    const loss = count > 0 ? sum / count : NaN;
    out.push({ key: g.key, name: g.name, tokens: count, loss, perplexity: Math.exp(loss), unkShare: n > 1 ? unkCount / (n - 1) : 0 });
  }
  return out;
}
