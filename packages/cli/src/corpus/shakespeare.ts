// Tiny shakespeare (public domain), shipped gzip-compressed in the package's data/ folder.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const SHAKESPEARE_URL = new URL('../../data/tinyshakespeare.txt.gz', import.meta.url);

/** The whole text (1,115,394 characters). */
export function readShakespeare(): string {
  return gunzipSync(readFileSync(SHAKESPEARE_URL)).toString('utf8');
}
