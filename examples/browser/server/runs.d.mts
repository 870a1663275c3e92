// Types of server/runs.mjs (plain ESM so the test's Node server can import it without a build).
import type { IncomingMessage, ServerResponse } from 'node:http';
export interface CheckpointEntry { name: string; url: string; tokenizerUrl?: string }
export function listCheckpoints(root: string): CheckpointEntry[];
export function runsMiddleware(root: string): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
