// Streaming load of a safetensors file (fetch bodies, file streams): the header is parsed and validated as
// soon as its bytes arrive, then exactly header.fileSize bytes are allocated once and filled, with progress.
import { TensorIOError } from './errors.js';
import { type Safetensors, readSafetensors, readSafetensorsHeader, safetensorsHeaderSize } from './safetensors.js';

export interface StreamProgress {
  /** Bytes received so far. */
  loaded: number;
  /** Total bytes expected: the given totalBytes, else the size the header describes once it is parsed. */
  total: number | undefined;
}

export interface StreamOptions {
  source?: string;
  /** The expected file size (e.g. Content-Length); checked against the header. */
  totalBytes?: number;
  onProgress?: (p: StreamProgress) => void;
}

async function* chunksOf(s: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (typeof (s as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    yield* s as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (s as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Reads a safetensors file from a stream of byte chunks. Rejects with TensorIOError on any malformed input. */
export async function readSafetensorsStream(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: StreamOptions = {},
): Promise<Safetensors> {
  const source = opts.source ?? 'stream';
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  let buf: Uint8Array | undefined;
  let loaded = 0;
  let total = opts.totalBytes;
  const concat = (): Uint8Array => {
    const out = new Uint8Array(pendingLen);
    let o = 0;
    for (const c of pending) { out.set(c, o); o += c.length; }
    pending = [out];
    return out;
  };
  for await (const chunk of chunksOf(stream)) {
    if (buf) {
      if (loaded + chunk.length > buf.length) {
        throw new TensorIOError(source, 'data_offsets', `stream has more than the ${buf.length} bytes the header describes`);
      }
      buf.set(chunk, loaded);
      loaded += chunk.length;
    } else {
      pending.push(chunk);
      pendingLen += chunk.length;
      loaded += chunk.length;
      if (pendingLen >= 8) {
        const need = safetensorsHeaderSize(concat(), { source, fileSize: opts.totalBytes });
        if (pendingLen >= need) {
          const head = concat();
          const header = readSafetensorsHeader(head, { source, fileSize: opts.totalBytes });
          if (head.length > header.fileSize) {
            throw new TensorIOError(source, 'data_offsets', `stream has more than the ${header.fileSize} bytes the header describes`);
          }
          total = header.fileSize;
          buf = new Uint8Array(header.fileSize);
          buf.set(head, 0);
          pending = [];
        }
      }
    }
    opts.onProgress?.({ loaded, total });
  }
  if (!buf) {
    const head = concat();
    safetensorsHeaderSize(head, { source, fileSize: head.length });
    readSafetensorsHeader(head, { source, fileSize: head.length }); // throws the precise error
    throw new TensorIOError(source, 'header', 'stream ended inside the header');
  }
  if (loaded !== buf.length) {
    throw new TensorIOError(source, 'data_offsets', `stream ended after ${loaded} of the ${buf.length} bytes the header describes (truncated)`);
  }
  return readSafetensors(buf, { source });
}
