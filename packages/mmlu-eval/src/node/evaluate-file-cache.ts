// The on-disk request cache: one append-only JSONL file per model fingerprint (`<dir>/<fingerprint>.jsonl`), one
// line per request `{"k": key, "v": value, "c": checksum}`. Each line is written with a single append, so a killed
// run leaves whole lines plus at most one partial line; on open, a partial last line is cut off and a line whose
// checksum does not match is ignored (counted in `skipped`). A model only ever opens its own file.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RequestCache, RequestStore } from '../protocols/cache.js';

function checksum(key: string, valueJson: string): string {
  return createHash('sha256').update(key).update('\t').update(valueJson).digest('hex').slice(0, 16);
}

/** The line written for one entry (exported for tests). */
export function cacheLine(key: string, value: unknown): string {
  const v = JSON.stringify(value);
  return `{"k":${JSON.stringify(key)},"v":${v},"c":"${checksum(key, v)}"}\n`;
}

export interface FileRequestStore extends RequestStore {
  readonly path: string;
  /** Lines ignored on open (bad JSON or checksum). */
  readonly skipped: number;
  /** Bytes of a partial last line cut off on open. */
  readonly cutBytes: number;
}

/** A RequestCache whose stores are files. */
export interface FileRequestCache extends RequestCache {
  open(fingerprint: string): FileRequestStore;
}

function readEntries(path: string): { entries: Map<string, unknown>; skipped: number; cutBytes: number } {
  const entries = new Map<string, unknown>();
  if (!existsSync(path)) return { entries, skipped: 0, cutBytes: 0 };
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a) + 1; // bytes up to the last complete line
  let cutBytes = 0;
  if (end < buf.length) {
    cutBytes = buf.length - end;
    truncateSync(path, end);
  }
  let skipped = 0;
  for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
    if (line === '') continue;
    try {
      const o = JSON.parse(line) as { k?: unknown; v?: unknown; c?: unknown };
      if (typeof o.k === 'string' && 'v' in o && o.c === checksum(o.k, JSON.stringify(o.v))) entries.set(o.k, o.v);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries, skipped, cutBytes };
}

/** A request cache in `dir` (created when missing): resumes interrupted evaluations. */
export function fileRequestCache(dir: string): FileRequestCache {
  if (typeof dir !== 'string' || dir === '') throw new Error('fileRequestCache: dir must be a non-empty path');
  return {
    open(fingerprint: string): FileRequestStore {
      if (typeof fingerprint !== 'string' || !/^[0-9a-zA-Z_-]{8,128}$/.test(fingerprint)) {
        throw new Error(`fileRequestCache: model fingerprint must be 8-128 characters of [0-9a-zA-Z_-], got ${JSON.stringify(fingerprint)}`);
      }
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${fingerprint}.jsonl`);
      const { entries, skipped, cutBytes } = readEntries(path);
      let fd: number | undefined;
      return {
        path,
        skipped,
        cutBytes,
        loaded: entries.size,
        get: (key) => entries.get(key),
        put(key, value) {
          if (fd === undefined) fd = openSync(path, 'a');
          writeSync(fd, cacheLine(key, value));
          entries.set(key, value);
        },
        close() {
          if (fd !== undefined) closeSync(fd);
          fd = undefined;
        },
      };
    },
  };
}
