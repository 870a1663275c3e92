// Backend choice for the page and the worker: `?backend=webgpu|wasm|cpu|auto` (default auto = webgpu, then wasm),
// and the sentence shown on screen about what was picked and why.
import { useBackend, type BackendChoice } from '@glyphlm/transformer-core';

export interface BackendInfo {
  name: string;
  note: string;
}

export function requestedBackend(search: string): BackendChoice {
  const b = new URLSearchParams(search).get('backend') ?? 'auto';
  if (!['auto', 'webgpu', 'wasm', 'cpu'].includes(b)) throw new Error(`unknown backend '${b}' in the URL (auto, webgpu, wasm, cpu)`);
  return b as BackendChoice;
}

async function hasWebGPU(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try { return (await gpu.requestAdapter()) != null; } catch { return false; }
}

/** Starts the backend; 'auto' falls back from webgpu to wasm and says so. */
export async function startBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice !== 'auto') {
    const name = await useBackend(choice);
    return { name, note: `backend: ${name} (chosen in the URL)` };
  }
  const gpu = await hasWebGPU();
  const name = await useBackend('auto');
  if (name === 'webgpu') return { name, note: 'backend: webgpu' };
  const why = gpu ? 'WebGPU failed to start' : 'WebGPU is not available in this browser';
  return { name, note: `${why}: running on ${name} (slower; Chrome/Edge with WebGPU enabled use the GPU)` };
}
