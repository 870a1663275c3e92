// Resolves the `--tokenizer` flag: `bvv241-2-3`, `bvv241-max` (the paper's vocabularies, built in) or a path to a
// Hugging Face tokenizer.json. Unknown names and missing files are UsageErrors (exit 2) naming the value.
import { readFileSync } from 'node:fs';
import { bvv241, fromHuggingFace, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import { UsageError } from './errors.js';
import { requireFile } from './files.js';

export const BUILTIN_TOKENIZERS = ['bvv241-2-3', 'bvv241-max'] as const;

/** The tokenizer named by `spec`. */
export function resolveTokenizer(spec: string): Tokenizer {
  if (spec === 'bvv241-2-3') return bvv241('2-3');
  if (spec === 'bvv241-max') return bvv241('max');
  if (spec.endsWith('.json') || spec.includes('/')) {
    requireFile(spec, 'tokenizer file');
    const text = readFileSync(spec, 'utf8');
    try {
      return fromHuggingFace(text);
    } catch (err) {
      throw new UsageError(`tokenizer file ${spec}: ${(err as Error).message}`);
    }
  }
  throw new UsageError(`unknown tokenizer '${spec}' (use ${BUILTIN_TOKENIZERS.join(', ')} or a path to tokenizer.json)`);
}
