// A minimal static server for the built app (dist/) plus the /runs/ checkpoint routes, with the MIME types the
// app needs (application/wasm for streaming compilation; .gz sent as bytes, not as Content-Encoding). Used by the
// test and the bench.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { runsMiddleware } from './runs.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.woff': 'font/woff', '.gz': 'application/octet-stream', '.svg': 'image/svg+xml',
};

/** Serves `distDir` and `runsDir` (under /runs/) on a free localhost port. */
export async function serve(distDir, runsDir) {
  const root = resolve(distDir);
  const runs = runsMiddleware(runsDir);
  const server = createServer((req, res) => {
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
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(() => r())) };
}
