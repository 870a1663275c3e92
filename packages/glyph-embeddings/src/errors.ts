// Error class for this package: every message names the file, field or id at fault.

export class GlyphEmbeddingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlyphEmbeddingsError';
  }
}
