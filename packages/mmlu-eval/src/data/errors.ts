// The error every loader and check throws on bad input: names the file, line, field or item at fault.

export interface DataErrorWhere {
  /** File (or split/subject label) at fault. */
  file?: string;
  /** 1-based line in that file. */
  line?: number;
  /** Field or column at fault. */
  field?: string;
}

/** Bad input data (a malformed CSV row, an empty split, too few dev items for the requested shots, ...). */
export class McqDataError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(message: string, where: DataErrorWhere = {}) {
    const at = [where.file, where.line !== undefined ? `line ${where.line}` : undefined, where.field ? `field ${where.field}` : undefined]
      .filter((s) => s !== undefined)
      .join(', ');
    super(at ? `${at}: ${message}` : message);
    this.name = 'McqDataError';
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}
