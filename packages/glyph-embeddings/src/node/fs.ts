// Node adapter (file access only): reads font files and the default font from node_modules. Imported lazily by
// font/default.ts when running under Node; never loaded in browsers.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** Reads the file behind an npm specifier (resolved from this package). */
export async function readDefaultFontBytes(specifier: string): Promise<{ bytes: Uint8Array; path: string }> {
  const require = createRequire(import.meta.url);
  const path = require.resolve(specifier);
  return { bytes: new Uint8Array(await readFile(path)), path };
}

/** Reads a font file from disk (errors name the path). */
export async function readFontFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read font file (${(e as Error).message})`);
  }
}
