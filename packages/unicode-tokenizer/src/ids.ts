// Id validation for decoders, text validation for encoders, and UTF-16 units -> string.

/** Throws a RangeError naming the first id that is not an integer in [0, vocabSize). */
export function checkIds(ids: ArrayLike<number>, vocabSize: number): void {
  if (ids == null || typeof (ids as { length?: unknown }).length !== 'number') {
    throw new TypeError(`decode expects an array of ids, got ${ids === null ? 'null' : typeof ids}`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      badId(id, i, vocabSize);
    }
  }
}

export function badId(id: unknown, position: number, vocabSize: number): never {
  throw new RangeError(`invalid token id ${String(id)} at position ${position}: ids must be integers in [0, ${vocabSize})`);
}

const utf16 = new TextDecoder('utf-16le');

/** UTF-16 code units to a string. TextDecoder is fastest but replaces lone surrogates, so those take the slow path. */
export function unitsToString(units: Uint16Array, length: number, loneSurrogates: boolean): string {
  if (!loneSurrogates) return utf16.decode(units.subarray(0, length));
  const parts: string[] = [];
  for (let i = 0; i < length; i += 4096) parts.push(String.fromCharCode.apply(null, units.subarray(i, Math.min(length, i + 4096)) as unknown as number[]));
  return parts.join('');
}

export function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new TypeError(`encode expects a string, got ${text === null ? 'null' : Array.isArray(text) ? 'array' : typeof text}`);
  }
}
