// The lossless escape scheme (beyond the paper). The reference maps astral characters (emoji, plane-2 CJK ...),
// the Private Use Area U+E000-U+F8FF, U+FFFF and lone surrogates to <unk>. In lossless mode each such character
// is written as 2 or 3 filler-special ids (`<special_token_57367>`..`<special_token_57599>`, 233 ids that plain
// encoding can never produce), read as base-233 digits. The first id (the lead) says how long the code is:
//   lead 0..48   -> 2 ids: value = lead*233 + d          (PUA, U+FFFF, lone surrogates, emoji block U+1F000-1FAFF)
//   lead 49..68  -> 3 ids: w = (lead-49)*233^2 + d1*233 + d2   (every other astral code point)
// Decoding a filler id that does not start a valid code yields its literal text, so any id sequence decodes.
import { FILLER_FIRST } from './bvv241/specials.js';

export const ESCAPE_BASE = 233;
export const ESCAPE_SHORT_LEADS = 49;
const SHORT_VALUES = 2048 + 6400 + 1 + 0xb00; // 11,265 values with a 2-id code
const EMOJI_FIRST = 0x1f000, EMOJI_END = 0x1fb00;
const LONG_VALUES = 0x100000 - 0xb00;

/** True for the units/code points that plain bvv241 encoding maps to <unk>. */
export function needsEscape(cp: number): boolean {
  return cp > 0xffff || (cp >= 0xd800 && cp < 0xf900) || cp === 0xffff;
}

/** Writes the escape ids of `cp` (a lone surrogate unit, PUA, U+FFFF or astral code point) into out at k; returns the new k. */
export function escapeInto(cp: number, out: Uint32Array, k: number): number {
  let v: number;
  if (cp <= 0xffff) v = cp === 0xffff ? 8448 : cp - 0xd800; // D800..F8FF -> 0..8447
  else if (cp >= EMOJI_FIRST && cp < EMOJI_END) v = 8449 + (cp - EMOJI_FIRST);
  else {
    const w = cp < EMOJI_FIRST ? cp - 0x10000 : cp - 0x10000 - 0xb00;
    const b2 = ESCAPE_BASE * ESCAPE_BASE;
    out[k++] = FILLER_FIRST + ESCAPE_SHORT_LEADS + Math.floor(w / b2);
    out[k++] = FILLER_FIRST + (Math.floor(w / ESCAPE_BASE) % ESCAPE_BASE);
    out[k++] = FILLER_FIRST + (w % ESCAPE_BASE);
    return k;
  }
  out[k++] = FILLER_FIRST + Math.floor(v / ESCAPE_BASE);
  out[k++] = FILLER_FIRST + (v % ESCAPE_BASE);
  return k;
}

const digit = (id: number | undefined) =>
  id !== undefined && id >= FILLER_FIRST && id < FILLER_FIRST + ESCAPE_BASE ? id - FILLER_FIRST : -1;

/** Reads an escape starting at ids[i]; returns [text, idsConsumed] or null if ids[i] does not start one. */
export function readEscape(ids: ArrayLike<number>, i: number): [string, number] | null {
  const lead = digit(ids[i]);
  if (lead < 0) return null;
  if (lead < ESCAPE_SHORT_LEADS) {
    const d = digit(ids[i + 1]);
    if (d < 0) return null;
    const v = lead * ESCAPE_BASE + d;
    if (v >= SHORT_VALUES) return null;
    let cp: number;
    if (v < 8448) cp = 0xd800 + v;
    else if (v === 8448) cp = 0xffff;
    else cp = EMOJI_FIRST + (v - 8449);
    return [cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp), 2];
  }
  const d1 = digit(ids[i + 1]), d2 = digit(ids[i + 2]);
  if (d1 < 0 || d2 < 0) return null;
  const w = (lead - ESCAPE_SHORT_LEADS) * ESCAPE_BASE * ESCAPE_BASE + d1 * ESCAPE_BASE + d2;
  if (w >= LONG_VALUES) return null;
  const cp = w < EMOJI_FIRST - 0x10000 ? w + 0x10000 : w + 0x10000 + 0xb00;
  return [String.fromCodePoint(cp), 3];
}
