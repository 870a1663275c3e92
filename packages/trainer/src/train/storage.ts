// Where trainer checkpoints go: a tiny file-system interface (paths relative to the checkpoint root, '/'-separated)
// so the loop is the same in Node (a directory, through the ./node adapter loaded on demand) and in browsers (any
// object with these five methods: IndexedDB, OPFS, memory), plus an in-memory implementation.

export interface CheckpointStorage {
  /** Where the checkpoints are, for messages (a directory path, a database name). */
  readonly location?: string;
  /** The file's bytes, or undefined when there is no such file. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Writes a whole file (creating its parent directories). */
  write(path: string, data: Uint8Array): Promise<void>;
  /**
   * Renames a file (replacing an existing `to`) or a directory (`to` must not exist). Atomic where the medium allows
   * (POSIX rename): latest.json is replaced this way.
   */
  rename(from: string, to: string): Promise<void>;
  /** Names directly under `dir` ('' = the root): files and directories; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** Removes a file or a directory with everything in it; nothing when it does not exist. */
  remove(path: string): Promise<void>;
}

/** Checks that `s` has the five methods; `field` names the option in the error. */
export function isCheckpointStorage(s: unknown): s is CheckpointStorage {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return ['read', 'write', 'rename', 'list', 'remove'].every((k) => typeof o[k] === 'function');
}

/** Checkpoints held in memory (a Map of path -> bytes): browsers without persistence, and tests. */
export function memoryStorage(location = 'memory'): CheckpointStorage & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const under = (dir: string) => (dir === '' ? '' : dir.replace(/\/+$/, '') + '/');
  return {
    location,
    files,
    async read(path) {
      const f = files.get(path);
      return f && f.slice();
    },
    async write(path, data) {
      files.set(path, data.slice());
    },
    async rename(from, to) {
      if (files.has(from)) {
        files.set(to, files.get(from)!);
        files.delete(from);
        return;
      }
      const moved = [...files.keys()].filter((k) => k.startsWith(under(from)));
      if (!moved.length) throw new Error(`${location}: rename: ${from} does not exist`);
      if ([...files.keys()].some((k) => k === to || k.startsWith(under(to)))) throw new Error(`${location}: rename: ${to} exists`);
      for (const k of moved) {
        files.set(to + k.slice(from.length), files.get(k)!);
        files.delete(k);
      }
    },
    async list(dir) {
      const p = under(dir);
      const names = new Set<string>();
      for (const k of files.keys()) if (k.startsWith(p)) names.add(k.slice(p.length).split('/')[0]);
      return [...names].sort();
    },
    async remove(path) {
      for (const k of [...files.keys()]) if (k === path || k.startsWith(under(path))) files.delete(k);
    },
  };
}

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** Whether this runs in Node (where a string checkpointDir and worker threads are available). */
export function inNode(): boolean {
  return isNode;
}

/**
 * Loads a module of the ./node adapter on demand (Node only). The specifier is computed so bundlers building the
 * browser core do not follow it into node:fs / worker_threads.
 */
export async function importNodeAdapter<T>(file: string): Promise<T> {
  if (!isNode) throw new Error(`@glyphlm/trainer: ${file} needs Node`);
  const spec = ['..', 'node', file].join('/');
  return (await import(/* @vite-ignore */ spec)) as T;
}

/** The storage behind a checkpointDir option: a storage object as is, a directory path through the Node adapter. */
export async function resolveStorage(dir: string | CheckpointStorage): Promise<CheckpointStorage> {
  if (typeof dir !== 'string') return dir;
  const mod = await importNodeAdapter<{ nodeCheckpointStorage(dir: string): CheckpointStorage }>('train-storage.js');
  return mod.nodeCheckpointStorage(dir);
}
