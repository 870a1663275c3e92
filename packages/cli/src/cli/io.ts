// Where a command writes: results to stdout, progress and messages to stderr (the same shape as program.ts's CliIO;
// commands import it from here so that they do not import the command tree that imports them).
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
