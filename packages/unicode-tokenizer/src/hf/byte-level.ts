// GPT-2's byte <-> printable-character mapping (bytes_to_unicode) used by ByteLevel pre-tokenizers and decoders.

export const BYTE_TO_CHAR: string[] = (() => {
  const keep: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) keep.push(b);
  for (let b = 0xa1; b <= 0xac; b++) keep.push(b);
  for (let b = 0xae; b <= 0xff; b++) keep.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + extra++);
  return out;
})();

export const CHAR_TO_BYTE: Map<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function bytesToChars(text: string): string {
  const bytes = encoder.encode(text);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** Maps byte-level characters back to bytes and decodes UTF-8 (invalid sequences become U+FFFD). */
export function charsToText(chars: string): string {
  const bytes: number[] = [];
  for (const ch of chars) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else for (const x of encoder.encode(ch)) bytes.push(x);
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** GPT-2's pre-tokenization pattern. */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
