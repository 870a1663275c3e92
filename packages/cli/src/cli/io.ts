// Where a command writes: results to stdout, progress and messages to stderr. Commands import it from here, not
// from program.ts, so that they do not import the command tree that imports them.
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
