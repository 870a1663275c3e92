// Run tab: load a checkpoint (runs/ folder, URL or dropped files) with a bytes progress bar, then stream tokens
// for a prompt with temperature / top-k / top-p, showing tokens/s and the time to the first token.
import { $, showError } from './dom.js';
import { listRuns, loadFromFiles, loadFromUrl } from './load.js';
import { loaded, nextFrame, setLoaded, type Loaded } from './session.js';

const mb = (n: number) => (n / 2 ** 20).toFixed(1);

export function initRunTab(): void {
  const runSelect = $<HTMLSelectElement>('#run-select');
  const progress = $<HTMLProgressElement>('#load-progress');
  const loadInfo = $('#load-info');
  const drop = $('#drop-zone');

  const onProgress = ({ loaded: n, total }: { loaded: number; total: number | undefined }) => {
    if (total) { progress.max = total; progress.value = n; }
    loadInfo.textContent = `${mb(n)}${total ? ` / ${mb(total)}` : ''} MiB`;
  };
  const load = async (job: () => Promise<Loaded>) => {
    loadInfo.classList.remove('error');
    progress.value = 0;
    const t0 = performance.now();
    try {
      const l = await job();
      setLoaded(l);
      const c = l.model.config;
      loadInfo.textContent = `loaded ${l.source} in ${((performance.now() - t0) / 1000).toFixed(2)} s: ${c.nLayer} layers x ${c.dModel}, ` +
        `vocab ${c.vocabSize} (${l.tokenizer.name}), ${l.model.embeddingKind} input table, context ${c.blockSize}`;
      loadInfo.dataset.state = 'loaded';
    } catch (e) {
      showError(loadInfo, e);
      loadInfo.dataset.state = 'error';
    }
  };

  void listRuns().then((runs) => {
    runSelect.replaceChildren(...runs.map((r) => Object.assign(document.createElement('option'), { value: JSON.stringify(r), textContent: r.name })));
    if (!runs.length) runSelect.append(Object.assign(document.createElement('option'), { value: '', textContent: '(no checkpoints under runs/)' }));
    runSelect.dataset.count = String(runs.length);
  });
  $('#load-run').addEventListener('click', () => {
    if (!runSelect.value) return;
    const r = JSON.parse(runSelect.value) as { url: string; tokenizerUrl?: string };
    void load(() => loadFromUrl(r.url, onProgress, r.tokenizerUrl));
  });
  $('#load-url').addEventListener('click', () => {
    const url = $<HTMLInputElement>('#url-input').value.trim();
    if (url) void load(() => loadFromUrl(url, onProgress));
  });
  $<HTMLInputElement>('#file-input').addEventListener('change', (ev) => {
    const files = (ev.target as HTMLInputElement).files;
    if (files?.length) void load(() => loadFromFiles(files, onProgress));
  });
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const files = ev.dataTransfer?.files;
    if (files?.length) void load(() => loadFromFiles(files, onProgress));
  });
  $('#generate').addEventListener('click', () => void generate());
}

async function generate(): Promise<void> {
  const out = $('#run-output');
  const stats = $('#run-stats');
  const l = loaded();
  out.classList.remove('error');
  if (!l) { out.textContent = 'load a checkpoint first'; return; }
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const prompt = $<HTMLTextAreaElement>('#prompt').value;
  const ids = [...l.tokenizer.encode(prompt)];
  const room = l.model.config.blockSize - ids.length;
  if (ids.length === 0 || room < 1) { showError(out, new Error(`the prompt has ${ids.length} tokens; it needs 1..${l.model.config.blockSize - 1}`)); return; }
  const maxNewTokens = Math.min(num('#max-tokens'), room);
  const topK = num('#top-k'), topP = num('#top-p');
  const opts = { maxNewTokens, temperature: num('#temperature'), seed: num('#seed'), ...(topK > 0 ? { topK } : {}), ...(topP < 1 ? { topP } : {}) };
  out.dataset.state = 'running';
  out.textContent = '';
  const gen: number[] = [];
  const t0 = performance.now();
  let first = 0;
  try {
    for await (const id of l.model.generate(ids, opts)) {
      if (!gen.length) first = performance.now() - t0;
      gen.push(id);
      out.textContent = l.tokenizer.decode(gen);
      const s = (performance.now() - t0 - first) / 1000;
      stats.textContent = `${gen.length} tokens, first after ${first.toFixed(0)} ms, ${gen.length > 1 && s > 0 ? ((gen.length - 1) / s).toFixed(1) : '…'} tok/s after it` +
        (maxNewTokens < num('#max-tokens') ? ` (capped at ${maxNewTokens} by the context of ${l.model.config.blockSize})` : '');
      await nextFrame();
    }
    out.dataset.ids = JSON.stringify(gen);
    out.dataset.firstTokenMs = first.toFixed(1);
    out.dataset.state = 'done';
  } catch (e) {
    showError(out, e);
    out.dataset.state = 'error';
  }
}
