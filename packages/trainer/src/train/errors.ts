// Errors of the training loop: a bad option (naming the field) and a bad or mismatching trainer checkpoint (naming
// the file and the field). A non-finite loss or gradient is engine.ts's NonFiniteError (shared with every engine).

/** An invalid train() option, thrown before any step runs. `field` is the option at fault (e.g. 'lr', 'data.train'). */
export class TrainOptionError extends RangeError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`train: ${field}: ${message}`);
    this.name = 'TrainOptionError';
    this.field = field;
  }
}

/** A trainer checkpoint that cannot be read or does not belong to this run. `file` names the file at fault. */
export class TrainCheckpointError extends Error {
  readonly file: string;
  readonly field: string | undefined;
  constructor(file: string, message: string, field?: string) {
    super(`${file}: ${message}`);
    this.name = 'TrainCheckpointError';
    this.file = file;
    this.field = field;
  }
}
