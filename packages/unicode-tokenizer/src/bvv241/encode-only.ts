// A bvv241 encoder over another thread's encoding tables (`Bvv241Tokenizer.encodingTables()`), for worker threads
// that only encode: this module and its imports hold no n-gram data (~20 ms less to load than the package index),
// and the ids are those of `bvv241(variant, { lossless, tables })`, the same UnitEncoder over the same tables.
import { checkText } from '../ids.js';
import { UnitEncoder, type IdBuffer } from './encoder.js';
import { PRIMING_TEXT, sharedFromTables, type Bvv241Tables } from './tables.js';
import type { Bvv241Variant } from './layout.js'; // a type only: no n-gram data is loaded

/** What a worker needs of a bvv241 tokenizer: its name and size, and the two encode calls. */
export interface Bvv241Encoder {
  readonly name: string;
  readonly vocabSize: number;
  encode(text: string, into?: IdBuffer): Uint32Array;
  encodeUtf8(bytes: Uint8Array, into?: IdBuffer): { ids: Uint32Array; chars: number };
}

/** An encoder of `variant` over transferred tables (checked; a wrong object is an error naming the field). */
export function bvv241Encoder(variant: Bvv241Variant, tables: Bvv241Tables, options: { lossless?: boolean } = {}): Bvv241Encoder {
  if (variant !== '2-3' && variant !== 'max' && variant !== 'abs') {
    throw new RangeError(`unknown bvv241 variant ${JSON.stringify(variant)}: expected '2-3', 'max' or 'abs'`);
  }
  const s = sharedFromTables(variant === 'abs' ? 'max' : variant, tables);
  const lossless = options.lossless === true;
  const encoder = new UnitEncoder(s, lossless);
  const encode = (text: string, into?: IdBuffer): Uint32Array => {
    checkText(text);
    if (text.length > 64) void Number(text); // flattens a cons string (as Bvv241Tokenizer.encode does)
    return encoder.encodeString(text, into ?? null);
  };
  const encodeUtf8 = (bytes: Uint8Array, into?: IdBuffer) => {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`encodeUtf8 expects a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    return encoder.encodeUtf8(bytes, into ?? null);
  };
  encode(PRIMING_TEXT); // type feedback for every branch before the first document (see tables.ts)
  encodeUtf8(new TextEncoder().encode(PRIMING_TEXT));
  return { name: `bvv241-${variant}${lossless ? '+lossless' : ''}`, vocabSize: s.vocabSize, encode, encodeUtf8 };
}
