// SHA-256 through WebCrypto (Node 20 and browsers): hex digests of strings and bytes, the prompts' hash of a
// result, and a model's fingerprint (its config and every weight byte), the key that keeps request caches apart.

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('mmlu-eval: WebCrypto (globalThis.crypto.subtle) is not available for SHA-256');
  return s;
}

function hex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

/** SHA-256 hex of bytes. */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  return hex(await subtle().digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** SHA-256 hex of a string's UTF-8 bytes. */
export async function sha256Text(text: string): Promise<string> {
  return sha256Bytes(new TextEncoder().encode(text));
}

/** Hash of many strings in order, each length-prefixed (so ['ab', 'c'] and ['a', 'bc'] differ). */
export async function sha256Strings(parts: readonly string[]): Promise<string> {
  return sha256Text(parts.map((p) => `${p.length}:${p}`).join(''));
}

/** JSON with object keys sorted at every level. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What modelFingerprint needs: the config and the weights in checkpoint layout. */
export interface FingerprintableModel {
  readonly config: object;
  stateDict(): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>>;
}

/**
 * SHA-256 over the model's config (JSON) and every tensor's name, shape and float32 bytes (names sorted): two
 * models with the same fingerprint compute the same function. Reads the weights once (~0.3 s per 100 MB).
 */
export async function modelFingerprint(model: FingerprintableModel): Promise<string> {
  const state = await model.stateDict();
  const parts: string[] = [`config:${stableJson(model.config)}`];
  for (const name of [...state.keys()].sort()) {
    const t = state.get(name)!;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    parts.push(`${name}[${t.shape.join(',')}]:${await sha256Bytes(bytes)}`);
  }
  return sha256Strings(parts);
}
