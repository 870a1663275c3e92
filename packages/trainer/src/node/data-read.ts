// How a tokenizing thread reads a text file: its bytes go into one reused buffer (a fresh buffer per file costs
// page faults on these VMs, DEVELOPERS.md) and are encoded straight from UTF-8 where the tokenizer can (bvv241's
// `encodeUtf8`: no JS string, no TextDecoder), else decoded to a string. Either way a leading byte order mark is
// dropped (and a second one after it, as the string path always did) and invalid UTF-8 is an error naming the file.
// The worker threads run the same steps (data-worker-source.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';

export interface EncodedFile { ids: Uint32Array; chars: number }
/** A growable id array of the caller's (`ids[0, length)` in use), as bvv241's encodeUtf8 appends to. */
export interface IdBuffer { ids: Uint32Array; length: number }
type Utf8Encode = (bytes: Uint8Array, into?: IdBuffer) => EncodedFile;

export interface FileEncoder {
  /** Whether files are encoded from their UTF-8 bytes (then `into` is used). */
  fromUtf8: boolean;
  /** One file's ids (appended to `into` where fromUtf8, and returned as a view of them) and its UTF-16 length. */
  encode(file: string, into?: IdBuffer): EncodedFile;
}

/**
 * The tokenizer's encodeUtf8 when it is bvv241's own (an object made from a bvv241 tokenizer with its own `encode`
 * is not trusted to encode bytes the same way).
 */
export function utf8EncodeOf(tokenizer: Tokenizer): Utf8Encode | null {
  const t = tokenizer as Tokenizer & { encodeUtf8?: Utf8Encode };
  if (typeof t.encodeUtf8 !== 'function' || !tokenizer.name.startsWith('bvv241-')) return null;
  const proto = Object.getPrototypeOf(tokenizer) as { encode?: unknown } | null;
  if (!proto || proto.encode !== tokenizer.encode || !Object.prototype.hasOwnProperty.call(proto, 'encodeUtf8')) return null;
  return (bytes, into) => t.encodeUtf8!(bytes, into);
}

/** A file reader-encoder for one thread (its buffer grows to the largest file read). */
export function fileEncoder(tokenizer: Tokenizer): FileEncoder {
  const fromUtf8 = utf8EncodeOf(tokenizer);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buf = Buffer.allocUnsafe(1 << 20);
  const read = (file: string): Uint8Array => {
    let fd: number;
    try { fd = openSync(file, 'r'); } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
    try {
      const size = fstatSync(fd).size;
      if (size + 1 > buf.length) buf = Buffer.allocUnsafe(Math.max(size + 1, 2 * buf.length));
      let n = 0;
      for (;;) {
        if (n === buf.length) { const b = Buffer.allocUnsafe(2 * buf.length); buf.copy(b, 0, 0, n); buf = b; } // grew since fstat
        const k = readSync(fd, buf, n, buf.length - n, null);
        if (k === 0) break;
        n += k;
      }
      return buf.subarray(0, n);
    } catch (e) {
      throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    } finally {
      closeSync(fd);
    }
  };
  const encode = (file: string, into?: IdBuffer): EncodedFile => {
    const bytes = read(file);
    if (fromUtf8) {
      const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      try { return fromUtf8(bom ? bytes.subarray(3) : bytes, into); } catch (e) {
        if (e instanceof TypeError && /invalid UTF-8/.test(e.message)) throw new Error(`${file} is not valid UTF-8 (${e.message})`);
        throw e;
      }
    }
    let text: string;
    try { text = decoder.decode(bytes); } catch { throw new Error(`${file} is not valid UTF-8`); }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ids: tokenizer.encode(text), chars: text.length };
  };
  return { fromUtf8: fromUtf8 !== null, encode };
}
