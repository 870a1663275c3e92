// Train tab: pasted text -> a tiny GPT trained in a worker (frozen glyph table or trainable), a live loss curve
// (@glyphlm/trainer's lossCurveSvg), then generation from the trained model. The page keeps painting throughout.
import { lossCurveSvg, type CurvePoint } from '@glyphlm/trainer';
import fontUrl from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import { $, showError } from './dom.js';
import type { FromWorker, ToWorker } from './train-protocol.js';

let worker: Promise<Worker> | undefined;
let points: CurvePoint[] = [];

function send(m: ToWorker): void {
  worker ??= startWorker();
  void worker.then((w) => w.postMessage(m));
}

/** The worker, once it says it listens (its module graph has top-level awaits). */
function startWorker(): Promise<Worker> {
  const w = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  let ready: () => void;
  const isReady = new Promise<Worker>((r) => { ready = () => r(w); });
  const status = $('#train-status');
  const out = $('#train-output');
  w.onmessage = (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    if (m.type === 'ready') ready();
    else if (m.type === 'status') status.textContent = m.text;
    else if (m.type === 'progress') {
      points.push({ step: m.step, loss: m.loss, ...(m.valLoss !== undefined ? { valLoss: m.valLoss } : {}) });
      status.textContent = `step ${m.step}/${m.steps}: loss ${m.loss.toFixed(3)}${m.valLoss !== undefined ? `, val ${m.valLoss.toFixed(3)}` : ''}, ` +
        `${m.tokensPerSecond.toFixed(0)} tok/s, ${(m.etaMs / 1000).toFixed(0)} s left`;
      status.dataset.step = String(m.step);
      $('#loss-curve').innerHTML = lossCurveSvg({ 'this tab': points }, { width: 560, height: 300, title: 'training loss (dashed: validation)' });
    } else if (m.type === 'trained') {
      status.textContent = `trained ${m.steps} steps (vocabulary ${m.vocab}, ${m.params} parameters): final loss ${m.finalLoss.toFixed(3)}`;
      status.dataset.state = 'trained';
      status.dataset.losses = JSON.stringify(points.map((p) => p.loss));
      ($('#train-generate') as HTMLButtonElement).disabled = false;
    } else if (m.type === 'token') out.textContent = m.text;
    else if (m.type === 'generated') { out.dataset.ids = JSON.stringify(m.ids); out.dataset.state = 'done'; }
    else if (m.type === 'error') { showError(status, new Error(m.message)); status.dataset.state = 'error'; }
  };
  w.onerror = (ev) => { showError(status, new Error(ev.message)); status.dataset.state = 'error'; };
  return isReady;
}

export function initTrainTab(backend: () => string): void {
  $('#train-go').addEventListener('click', () => {
    points = [];
    const status = $('#train-status');
    status.classList.remove('error');
    status.dataset.state = 'running';
    status.textContent = 'starting the worker…';
    send({
      type: 'train', text: $<HTMLTextAreaElement>('#train-text').value, steps: Number($<HTMLInputElement>('#train-steps').value),
      batchSize: 8, embedding: $<HTMLSelectElement>('#train-embedding').value as 'frozen' | 'trainable', backend: backend(),
      fontUrl: new URL(fontUrl, location.href).href,
    });
  });
  $('#train-stop').addEventListener('click', () => send({ type: 'stop' }));
  $('#train-generate').addEventListener('click', () => {
    const out = $('#train-output');
    out.textContent = '';
    out.dataset.state = 'running';
    send({ type: 'generate', prompt: $<HTMLInputElement>('#train-prompt').value, maxNewTokens: 40, temperature: 0.8 });
  });
}
