// Source of the tokenizing worker thread (run with `eval: true`, so it needs no separate file in src/ or dist/):
// rebuilds the tokenizer from a spec (bvv241 from the caller's encoding tables; anything rebuilt from tokenizer.json
// is checked against the caller's fingerprint), then encodes batches of texts or files into one
// packed Uint32Array per batch plus per-document lengths, transferred back without copying.

export const DATA_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
(async () => {
  let tok;
  try {
    const m = await import(workerData.tokenizerUrl);
    const build = (spec, fingerprint) => {
      if (spec.kind === 'compact') {
        const base = build(spec.base, spec.baseFingerprint);
        const map = new Int32Array(base.vocabSize).fill(spec.fallback);
        spec.fullIds.forEach((id, k) => { map[id] = k; });
        return { encode: (text) => { const ids = base.encode(text); for (let i = 0; i < ids.length; i++) ids[i] = map[ids[i]]; return ids; } };
      }
      // bvv241 is fully determined by variant and mode (same module as the caller); anything rebuilt from
      // tokenizer.json is checked against the caller's fingerprint
      if (spec.kind === 'bvv241') return m.bvv241(spec.variant, spec.tables ? { lossless: spec.lossless, tables: spec.tables } : { lossless: spec.lossless });
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
  parentPort.on('message', (msg) => {
    try {
      const parts = [];
      const lengths = new Int32Array(msg.texts ? msg.texts.length : msg.files.length);
      const chars = new Float64Array(lengths.length);
      let total = 0;
      for (let i = 0; i < lengths.length; i++) {
        let text;
        if (msg.texts) text = msg.texts[i];
        else {
          let bytes;
          try { bytes = readFileSync(msg.files[i]); } catch (e) { throw new Error(msg.files[i] + ': cannot read (' + (e.code || e.message) + ')'); }
          try { text = decoder.decode(bytes); } catch (e) { throw new Error(msg.files[i] + ' is not valid UTF-8'); }
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
        const ids = tok.encode(text);
        parts.push(ids);
        lengths[i] = ids.length;
        chars[i] = text.length;
        total += ids.length;
      }
      const ids = new Uint32Array(total);
      let o = 0;
      for (const p of parts) { ids.set(p, o); o += p.length; }
      parentPort.postMessage({ type: 'done', id: msg.id, ids, lengths, chars }, [ids.buffer, lengths.buffer, chars.buffer]);
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: msg.id, message: String(e && e.message || e) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})();
`;
