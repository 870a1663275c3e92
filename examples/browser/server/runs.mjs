// Serves checkpoint folders to the app: GET /runs/index.json lists every folder under a runs directory that holds
// a transformer-core checkpoint (config.json + model.safetensors), with the glyphlm-tokenizer.json the CLI writes
// into a run folder (nearest one above the checkpoint), and GET /runs/<path> streams the files (Content-Length, so
// the page can show a bytes progress bar). Used by vite's dev and preview servers and by the test's static server.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const SIDECAR = 'glyphlm-tokenizer.json';
const TYPES = { '.json': 'application/json', '.safetensors': 'application/octet-stream' };

/** Checkpoint folders below `root` (depth <= 6), as { name, url, tokenizerUrl? }. */
export function listCheckpoints(root) {
  const out = [];
  const walk = (dir, depth, sidecar) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    const names = new Set(entries.map((e) => e.name));
    const here = names.has(SIDECAR) ? join(dir, SIDECAR) : sidecar;
    if (names.has('config.json') && names.has('model.safetensors')) {
      const rel = relative(root, dir).split(sep).join('/');
      out.push({ name: rel || '.', url: `/runs/${rel ? rel + '/' : ''}`, ...(here ? { tokenizerUrl: `/runs/${relative(root, here).split(sep).join('/')}` } : {}) });
    }
    if (depth < 6) for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(join(dir, e.name), depth + 1, here);
  };
  walk(root, 0, undefined);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A connect-style middleware serving `root` under /runs/ (404 for anything outside it). */
export function runsMiddleware(root) {
  const base = resolve(root);
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/runs/')) return next();
    if (url.pathname === '/runs/index.json') {
      const body = JSON.stringify(existsSync(base) ? listCheckpoints(base) : []);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return res.end(body);
    }
    const file = resolve(base, decodeURIComponent(url.pathname.slice('/runs/'.length)));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end(`not found: ${url.pathname}`);
    }
    const ext = file.slice(file.lastIndexOf('.'));
    res.writeHead(200, { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  };
}
