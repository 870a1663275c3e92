// Node adapter: reads the bundled data file next to the package's dist/ (or src/) through the file system.
// Imported on demand by data/load.ts when running under Node; never loaded in browsers.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Reads the bundled file at `url` (a file: URL built from import.meta.url). */
export async function readBundledBytes(url: URL): Promise<{ bytes: Uint8Array; path: string }> {
  const path = fileURLToPath(url);
  try {
    return { bytes: new Uint8Array(await readFile(path)), path };
  } catch (e) {
    throw new Error(`${path}: cannot read the bundled MMLU file (${(e as Error).message}); is the package's data/ folder installed?`);
  }
}
