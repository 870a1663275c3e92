// Types of server/static.mjs.
export function serve(distDir: string, runsDir: string): Promise<{ url: string; close(): Promise<void> }>;
