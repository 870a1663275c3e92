// Request caches: results of scored or generated requests, kept per model fingerprint so an interrupted evaluation
// resumes where it stopped and a different model never sees another's entries. The in-memory cache lives here
// (browser-safe); the on-disk one is `fileRequestCache(dir)` in `@glyphlm/mmlu-eval/node`.

/** The entries of one model. Values are JSON (a log-likelihood sum, a generated string). */
export interface RequestStore {
  get(key: string): unknown;
  put(key: string, value: unknown): void | Promise<void>;
  /** Number of entries read back from storage when the store was opened. */
  readonly loaded: number;
  close?(): void | Promise<void>;
}

/** A cache of request results: one store per model fingerprint, never shared between fingerprints. */
export interface RequestCache {
  open(modelFingerprint: string): RequestStore | Promise<RequestStore>;
}

/** In-memory cache (the browser's choice; lives as long as the object). */
export function memoryRequestCache(): RequestCache {
  const models = new Map<string, Map<string, unknown>>();
  return {
    open(fp: string): RequestStore {
      if (typeof fp !== 'string' || fp.length === 0) throw new Error('memoryRequestCache.open: model fingerprint must be a non-empty string');
      let m = models.get(fp);
      if (!m) models.set(fp, (m = new Map()));
      const entries = m;
      return {
        loaded: entries.size,
        get: (key) => entries.get(key),
        put: (key, value) => {
          entries.set(key, value);
        },
      };
    },
  };
}
