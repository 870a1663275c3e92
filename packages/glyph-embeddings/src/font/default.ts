// defaultFont(): UnifontEX (OFL-1.1) from @fontsource/unifontex, decoded from its .woff. In Node the file is read
// through the Node adapter (dynamic import of ../node/fs.js); in browsers pass `bytes` or `url`, or let it fetch
// the package file relative to this module (works with bundlers that rewrite `new URL(..., import.meta.url)`).
import { GlyphEmbeddingsError } from '../errors.js';
import { loadFont, type GlyphFont } from './font.js';

/** The npm specifier of the default font file. */
export const DEFAULT_FONT_SPECIFIER = '@fontsource/unifontex/files/unifontex-latin-400-normal.woff';

export interface DefaultFontOptions {
  /** The .woff bytes (skips all file access). */
  bytes?: Uint8Array;
  /** A URL to fetch the .woff from (browsers). */
  url?: string | URL;
}

let cached: Promise<GlyphFont> | undefined;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Loads (once, then cached) UnifontEX, the full-BMP default font. */
export function defaultFont(opts: DefaultFontOptions = {}): Promise<GlyphFont> {
  if (opts.bytes) return loadFont(opts.bytes, { source: 'UnifontEX (@fontsource/unifontex 5.2.6)' });
  if (opts.url) return fetchFont(String(opts.url));
  if (!cached) {
    cached = (async () => {
      if (isNode()) {
        const { readDefaultFontBytes } = await import('../node/fs.js');
        const { bytes, path } = await readDefaultFontBytes(DEFAULT_FONT_SPECIFIER);
        return loadFont(bytes, { source: path });
      }
      const meta = import.meta as ImportMeta & { resolve?: (s: string) => string };
      if (typeof meta.resolve === 'function') return fetchFont(meta.resolve(DEFAULT_FONT_SPECIFIER));
      throw new GlyphEmbeddingsError(`defaultFont: cannot locate ${DEFAULT_FONT_SPECIFIER} in this environment; pass { bytes } or { url }`);
    })();
    cached.catch(() => { cached = undefined; });
  }
  return cached;
}

async function fetchFont(url: string): Promise<GlyphFont> {
  const res = await fetch(url);
  if (!res.ok) throw new GlyphEmbeddingsError(`${url}: HTTP ${res.status} while fetching the default font`);
  return loadFont(new Uint8Array(await res.arrayBuffer()), { source: url });
}
