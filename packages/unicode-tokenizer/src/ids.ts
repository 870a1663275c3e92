// Growable id buffer for encoders, and id validation for decoders.

export class IdBuffer {
  private buf: Uint32Array;
  length = 0;
  constructor(capacity: number) { this.buf = new Uint32Array(Math.max(16, capacity)); }
  push(id: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = id;
  }
  pushAll(ids: ArrayLike<number>, n = ids.length): void {
    if (this.length + n > this.buf.length) this.grow(this.length + n);
    for (let k = 0; k < n; k++) this.buf[this.length + k] = ids[k];
    this.length += n;
  }
  private grow(min: number): void {
    const next = new Uint32Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  /** The ids, trimmed to length (a copy only when the buffer is oversized). */
  result(): Uint32Array {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
  }
}

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
