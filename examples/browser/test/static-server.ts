// A minimal static server for the built app (dist/) plus the /runs/ checkpoint routes, with the MIME types the
// app needs (application/wasm for streaming compilation; .gz sent as bytes, not as Content-Encoding).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { runsMiddleware } from '../server/runs.mjs';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.woff': 'font/woff', '.gz': 'application/octet-stream', '.svg': 'image/svg+xml',
};

export async function serve(distDir: string, runsDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(distDir);
  const runs = runsMiddleware(runsDir);
  const server: Server = createServer((req, res) => {
    runs(req, res, () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = resolve(join(root, path.endsWith('/') ? path + 'index.html' : path));
      if (!(file === root || file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404);
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => new Promise((r) => server.close(() => r())) };
}
