// The one error class of @glyphlm/tensor-io: every failure names the source (file, URL, "bytes") and the
// tensor or header field at fault, so a bad checkpoint is diagnosable from the message alone.

/** Thrown for every malformed input or invalid argument. `source` and `field` are also in `message`. */
export class TensorIOError extends Error {
  override readonly name = 'TensorIOError';
  /** Where the bytes came from (file path, URL, or a caller-chosen label; "bytes" by default). */
  readonly source: string;
  /** The tensor name or header field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(source: string, field: string | undefined, detail: string) {
    super(`${source}${field !== undefined ? `: ${field}` : ''}: ${detail}`);
    this.source = source;
    this.field = field;
  }
}
