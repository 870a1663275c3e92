// Swapping tokenizers: the paper's bvv241 vocabularies, the lossless mode, and any Hugging Face tokenizer.json
// (pass a path) all meet at the same Tokenizer interface, so the same code measures them and draws their tokens.
// Run after `pnpm build`:  node index.mjs [path/to/tokenizer.json]
import { readFileSync } from 'node:fs';
import { bvv241, fromHuggingFace, tokenizerStats } from '@glyphlm/unicode-tokenizer';
import { buildEmbeddings, defaultFont, nearest } from '@glyphlm/glyph-embeddings';

const text = 'Hello, World! Привет, мир. 你好世界 😀 — the frozen glyph embeddings';
const tokenizers = [bvv241('2-3'), bvv241('max'), bvv241('2-3', { lossless: true })];
if (process.argv[2]) tokenizers.push(fromHuggingFace(readFileSync(process.argv[2], 'utf8'), { name: process.argv[2] }));

for (const tok of tokenizers) {
  const ids = tok.encode(text);
  const s = tokenizerStats(tok, [text]).overall;
  console.log(`\n${tok.name}: ${tok.vocabSize} ids, ${ids.length} tokens, ${s.charsPerToken.toFixed(2)} chars/token, ` +
    `${s.unknown} <unk>, round trip ${tok.decode(ids) === text ? 'exact' : 'lossy'}`);
  console.log('  ' + [...ids].map((id) => JSON.stringify(tok.tokenString(id))).join(' '));
}

// Draw the distinct tokens of the text with the paper's recipe and list each one's nearest neighbour among them.
const tok = tokenizers[0];
const ids = [...new Set(tok.encode(text))];
const strings = ids.map((id) => tok.tokenString(id));
const sub = { name: 'text-tokens', vocabSize: strings.length, fingerprint: strings.join('\u0000'),
  tokenString: (i) => strings[i], isSpecial: () => false };
const m = await buildEmbeddings(sub, { recipe: 'bvv241-2-3', font: await defaultFont() });
console.log(`\nglyph matrix ${m.rows} x ${m.dim}; nearest neighbour of each token by picture:`);
for (let i = 0; i < m.rows; i++) {
  const [best] = nearest(m, i, 1);
  console.log(`  ${JSON.stringify(strings[i]).padEnd(8)} -> ${JSON.stringify(strings[best.id])} (cos ${best.cos.toFixed(3)})`);
}
