// Types of scripts/check-cycles.mjs for the packages' TypeScript tests that call it.
/** The import cycles among the files of `packageDir`/src, each as its files relative to the repository root. */
export function findCycles(packageDir: string): Promise<string[][]>;
/** Every packages/<name>/ that has a src/ directory, relative to the repository root. */
export function packageDirs(): string[];
/** One line per cycle, `a -> b -> a`. */
export function formatCycles(cycles: string[][]): string;
