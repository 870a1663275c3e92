// Errors the command line turns into one clear line and an exit code: UsageError (bad flags, missing files,
// unknown presets, a checkpoint that does not fit the tokenizer: exit 2) versus anything else (exit 1).

/** A problem with what the user asked for; printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors thrown by the libraries for bad input (they name the file/field at fault): also user errors. */
const INPUT_ERROR_NAMES = new Set([
  'UsageError', 'ConfigError', 'CheckpointError', 'InputError', 'TokenizerJsonError', 'GlyphEmbeddingsError',
  'SafetensorsError', 'ShardError', 'CorpusError', 'TrainOptionsError', 'ResumeError', 'MmluDataError', 'DataError',
  'FusionError', 'GrowError',
]);

/** Exit code for an error: 2 for user input at fault, 1 for everything else. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof Error && INPUT_ERROR_NAMES.has(err.name)) return 2;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES') return 2;
  return 1;
}

/** One line naming the problem (the message's first line, prefixed with `glyphlm:`). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.split('\n').find((l) => l.trim() !== '') ?? String(err);
  return `glyphlm: ${first.trim()}`;
}
