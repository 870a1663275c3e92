// `glyphlm tokenize`: text arguments or files -> ids (optionally with each token's surface string), or the
// tokenizer's statistics (characters per token, <unk> rate, tokens per byte) per input and overall.
import { readFileSync } from 'node:fs';
import { tokenizerStats } from '@glyphlm/unicode-tokenizer';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { requireFile } from '../cli/files.js';
import { resolveTokenizer } from '../cli/tokenizer.js';

export interface TokenizeFlags {
  tokenizer: string;
  file?: string[];
  stats?: boolean;
  show?: boolean;
  json?: boolean;
}

export async function tokenizeCommand(text: string[], opts: TokenizeFlags, io: CliIO): Promise<void> {
  const inputs: Array<{ name: string; text: string }> = [];
  for (const f of opts.file ?? []) requireFile(f, 'input file');
  if (text.length > 0) inputs.push({ name: 'argument', text: text.join(' ') });
  for (const f of opts.file ?? []) inputs.push({ name: f, text: readFileSync(f, 'utf8') });
  if (inputs.length === 0) throw new UsageError('tokenize: give text or --file <paths...>');
  const tok = resolveTokenizer(opts.tokenizer);
  if (opts.stats) {
    const s = tokenizerStats(tok, inputs);
    if (opts.json) { io.stdout(JSON.stringify(s, null, 2) + '\n'); return; }
    io.stdout(`tokenizer ${s.tokenizer}\n`);
    io.stdout('input\tchars\ttokens\tchars/token\tunk\n');
    for (const t of [...s.texts, s.overall]) {
      io.stdout(`${t.name}\t${t.characters}\t${t.tokens}\t${t.charsPerToken.toFixed(3)}\t${t.unknown}\n`);
    }
    return;
  }
  const out = inputs.map((inp) => {
    const ids = [...tok.encode(inp.text)];
    return { name: inp.name, ids, tokens: opts.show ? ids.map((id) => tok.tokenString(id)) : undefined };
  });
  if (opts.json) { io.stdout(JSON.stringify({ tokenizer: tok.name, inputs: out }, null, 2) + '\n'); return; }
  for (const o of out) {
    if (out.length > 1) io.stdout(`# ${o.name}\n`);
    if (opts.show) io.stdout(o.ids.map((id, i) => `${id}\t${JSON.stringify(o.tokens![i])}`).join('\n') + '\n');
    else io.stdout(o.ids.join(' ') + '\n');
  }
}
