// Which tokenizer a checkpoint was trained with: the run folder's glyphlm-tokenizer.json (written by the glyphlm
// CLI: a bvv241 name and, for a compact vocabulary, the base ids it keeps), else the vocabulary size (65,536 ->
// bvv241-2-3). A tokenizer.json path recorded by the CLI cannot be read from a browser: that is an error.
import { bvv241, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import { compactVocabulary } from '@glyphlm/trainer';

export interface TokenizerSidecar {
  format: 'glyphlm-tokenizer-ref';
  tokenizer: string;
  fingerprint: string;
  compact: null | { ids: number[]; fingerprint: string };
}

function base(name: string, where: string): Tokenizer {
  if (name === 'bvv241-2-3') return bvv241('2-3');
  if (name === 'bvv241-max') return bvv241('max');
  throw new Error(`${where}: tokenizer '${name}' is a file on the machine that trained the model; this page knows bvv241-2-3 and bvv241-max`);
}

/** The tokenizer of a checkpoint with `vocabSize` rows, from its sidecar text when there is one. */
export function resolveTokenizer(vocabSize: number, sidecarText?: string, where = 'glyphlm-tokenizer.json'): Tokenizer {
  let tok: Tokenizer;
  if (sidecarText !== undefined) {
    let rec: TokenizerSidecar;
    try { rec = JSON.parse(sidecarText); } catch (e) { throw new Error(`${where}: not valid JSON (${(e as Error).message})`); }
    if (rec?.format !== 'glyphlm-tokenizer-ref') throw new Error(`${where}: field "format" is not glyphlm-tokenizer-ref`);
    tok = base(rec.tokenizer, where);
    if (tok.fingerprint !== rec.fingerprint) throw new Error(`${where}: field "fingerprint" does not match ${rec.tokenizer}`);
    if (rec.compact) {
      tok = compactVocabulary(tok, Uint32Array.from(rec.compact.ids)).tokenizer;
      if (tok.fingerprint !== rec.compact.fingerprint) throw new Error(`${where}: field "compact.fingerprint" does not match the kept ids`);
    }
  } else if (vocabSize === 65536) {
    tok = bvv241('2-3');
  } else {
    throw new Error(`the checkpoint has ${vocabSize} rows and no glyphlm-tokenizer.json beside it: cannot tell its tokenizer`);
  }
  if (tok.vocabSize !== vocabSize) throw new Error(`${where}: tokenizer ${tok.name} has ${tok.vocabSize} ids but the checkpoint has ${vocabSize} rows`);
  return tok;
}
