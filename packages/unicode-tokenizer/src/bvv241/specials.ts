// The fixed part of the bvv241 id layout: the special tokens, the filler specials and which code units are tokens
// of their own. No n-gram data here, so that encoding from another thread's tables loads none (layout.ts has it).

export const SPECIAL_TOKENS: readonly string[] = [
  '<pad>', '<s>', '</s>', '<unk>', '<think>', '</think>', '<emotions>', '</emotions>', '<tool_call>', '</tool_call>',
  '<tool_response>', '</tool_response>', '[INST]', '[/INST]', '[EOT]', '[USER]', '[ASSISTANT]', '[FIM_PREFIX]',
  '[FIM_MIDDLE]', '[FIM_SUFFIX]', '[FIM_PAD]', '[REPO_NAME]', '[FILE_SEP]',
];
export const SPECIAL_BASE = 0xe000;
export const UNK_ID = 0xe003;
/** Filler specials `<special_token_N>`: ids 0xE017..0xE0FF. Never produced by encoding. */
export const FILLER_FIRST = 0xe017;
export const FILLER_LAST = 0xe0ff;

/** The id of a one-code-unit token: BMP monograms below the surrogates and from U+F900 (U+FFFF excluded). */
export function monogramId(unit: number): number {
  return unit < 0xd800 || (unit >= 0xf900 && unit < 0xffff) ? unit : -1;
}
