// Source of the tokenizing worker thread (run with `eval: true`, so it needs no separate file in src/ or dist/):
// rebuilds the tokenizer from a spec (bvv241 from the caller's encoding tables, through the package's encode-only
// entry, which loads no n-gram data; anything rebuilt from tokenizer.json is checked against the caller's
// fingerprint), then encodes batches of texts or files into one packed Uint32Array per batch (its first `count` ids
// used) plus per-document lengths, transferred back without copying: batches posted one by one, or (claim mode) a
// whole list from which it takes batches by a counter shared with the other threads. Files are read as
// data-read.ts reads them on the calling thread (one reused buffer; bvv241 encodes the UTF-8 bytes directly); id
// arrays the caller has copied come back to be reused.

export const DATA_WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
(async () => {
  let tok;
  try {
    // a worker given bvv241's tables loads only its encoder (no n-gram data, no tokenizer.json support: ~20 ms less)
    const needsPackage = (spec) => spec.kind === 'compact' ? needsPackage(spec.base) : !(spec.kind === 'bvv241' && spec.tables && workerData.encoderUrl);
    const m = needsPackage(workerData.spec) ? await import(workerData.tokenizerUrl) : null;
    const encoderOnly = m === null ? await import(workerData.encoderUrl) : null;
    const build = (spec, fingerprint) => {
      if (spec.kind === 'compact') {
        const base = build(spec.base, spec.baseFingerprint);
        const map = new Int32Array(base.vocabSize).fill(spec.fallback);
        spec.fullIds.forEach((id, k) => { map[id] = k; });
        const remap = (ids) => { for (let i = 0; i < ids.length; i++) ids[i] = map[ids[i]]; return ids; };
        return { encode: (text) => remap(base.encode(text)), encodeUtf8: base.encodeUtf8 && ((bytes, into) => { const r = base.encodeUtf8(bytes, into); remap(r.ids); return r; }) };
      }
      // bvv241 is fully determined by variant and mode (same module as the caller); anything rebuilt from
      // tokenizer.json is checked against the caller's fingerprint
      if (spec.kind === 'bvv241') {
        if (encoderOnly) return encoderOnly.bvv241Encoder(spec.variant, spec.tables, { lossless: spec.lossless });
        return m.bvv241(spec.variant, spec.tables ? { lossless: spec.lossless, tables: spec.tables } : { lossless: spec.lossless });
      }
      const t = m.fromHuggingFace(spec.json);
      if (t.fingerprint !== fingerprint) throw new Error('the tokenizer rebuilt in a worker has fingerprint ' + t.fingerprint + ', not ' + fingerprint);
      return t;
    };
    tok = build(workerData.spec, workerData.fingerprint);
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: String(e && e.message || e) });
    return;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buf = Buffer.allocUnsafe(1 << 20);
  const cannotRead = (file, e) => new Error(file + ': cannot read (' + (e.code || e.message) + ')');
  const readBytes = (file) => {
    let fd;
    try { fd = openSync(file, 'r'); } catch (e) { throw cannotRead(file, e); }
    try {
      const size = fstatSync(fd).size;
      if (size + 1 > buf.length) buf = Buffer.allocUnsafe(Math.max(size + 1, 2 * buf.length));
      let n = 0;
      for (;;) {
        if (n === buf.length) { const b = Buffer.allocUnsafe(2 * buf.length); buf.copy(b, 0, 0, n); buf = b; }
        const k = readSync(fd, buf, n, buf.length - n, null);
        if (k === 0) break;
        n += k;
      }
      return buf.subarray(0, n);
    } catch (e) { throw cannotRead(file, e); } finally { closeSync(fd); }
  };
  const encodeFile = (file, into) => {
    const bytes = readBytes(file);
    if (tok.encodeUtf8) {
      const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      try { return tok.encodeUtf8(bom ? bytes.subarray(3) : bytes, into); } catch (e) {
        if (e instanceof TypeError && /invalid UTF-8/.test(e.message)) throw new Error(file + ' is not valid UTF-8 (' + e.message + ')');
        throw e;
      }
    }
    let text;
    try { text = decoder.decode(bytes); } catch (e) { throw new Error(file + ' is not valid UTF-8'); }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ids: tok.encode(text), chars: text.length };
  };
  const pool = []; // id arrays sent back by the caller once it copied their ids (fresh memory is slow)
  const takeIds = (n) => {
    const k = pool.findIndex((b) => b.byteLength >= 4 * n);
    return k >= 0 ? new Uint32Array(pool.splice(k, 1)[0]) : new Uint32Array(n);
  };
  // one batch (texts, or files with their total bytes) -> [message, transfer list]
  const encodeBatch = (msg) => {
    const lengths = new Int32Array(msg.texts ? msg.texts.length : msg.files.length);
    const chars = new Float64Array(lengths.length);
    let ids, count;
    if (msg.files && tok.encodeUtf8) {
      // the batch's files straight into one array (its size: their bytes, a bound on the ids)
      const into = { ids: takeIds(msg.bytes + 16), length: 0 };
      for (let i = 0; i < lengths.length; i++) { const r = encodeFile(msg.files[i], into); lengths[i] = r.ids.length; chars[i] = r.chars; }
      ids = into.ids; // sent whole (a copy of the used part would cost fresh memory), with its length
      count = into.length;
    } else {
      const parts = [];
      let total = 0;
      for (let i = 0; i < lengths.length; i++) {
        let p;
        if (msg.texts) { p = tok.encode(msg.texts[i]); chars[i] = msg.texts[i].length; }
        else { const r = encodeFile(msg.files[i]); p = r.ids; chars[i] = r.chars; }
        parts.push(p);
        lengths[i] = p.length;
        total += p.length;
      }
      ids = new Uint32Array(total);
      let o = 0;
      for (const p of parts) { ids.set(p, o); o += p.length; }
      count = total;
    }
    return [{ type: 'done', ids, count, lengths, chars }, [ids.buffer, lengths.buffer, chars.buffer]];
  };
  parentPort.on('message', (msg) => {
    if (msg.claim) {
      // claim mode: take the next batch of the shared list (an atomic counter shared with the other threads)
      // until none is left; each result carries its batch number. Arrays come back on msg.recyclePort.
      const counter = new Int32Array(msg.counter);
      for (;;) {
        const k = Atomics.add(counter, 0, 1);
        if (k >= msg.batches.length) break;
        for (let r; (r = receiveMessageOnPort(msg.recyclePort));) pool.push(...r.message);
        try {
          const [m, transfer] = encodeBatch(msg.batches[k]);
          m.k = k;
          parentPort.postMessage(m, transfer);
        } catch (e) {
          parentPort.postMessage({ type: 'error', k, message: String(e && e.message || e) });
          break;
        }
      }
      msg.recyclePort.close();
      return;
    }
    if (msg.recycled) pool.push(...msg.recycled);
    try {
      const [m, transfer] = encodeBatch(msg);
      parentPort.postMessage(m, transfer);
    } catch (e) {
      parentPort.postMessage({ type: 'error', message: String(e && e.message || e) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;
