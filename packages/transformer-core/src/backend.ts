// Backend selection (useBackend) on the user's tfjs (a peer dependency). The kernels this package adds to wasm are
// registered by wasm/register.ts. Optional runtimes (tfjs-node, the Dawn `webgpu` package, the webgpu backend, an
// optional peer) are dynamic imports, never dependencies.
import { tf } from './tf.js';

export type BackendChoice = 'auto' | 'cpu' | 'wasm' | 'webgpu' | 'tensorflow';

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

async function optionalImport(name: string): Promise<unknown> {
  // a computed specifier keeps bundlers from resolving optional runtimes
  return import(/* @vite-ignore */ name);
}

let webgpuLoaded = false;

async function loadWebGPU(): Promise<void> {
  if (webgpuLoaded) return;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (isNode && !g.navigator?.gpu) {
    let mod: { create: (o: string[]) => unknown; globals: Record<string, unknown> };
    try {
      mod = (await optionalImport('webgpu')) as typeof mod;
    } catch (e) {
      throw new Error(`useBackend('webgpu'): the \`webgpu\` (Dawn) package is not installed: ${(e as Error).message}`);
    }
    const m = (mod as { default?: typeof mod }).default ?? mod;
    Object.assign(globalThis, m.globals);
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(g.navigator ?? {}), gpu: m.create([]), userAgent: 'node' },
      configurable: true,
      writable: true,
    });
  }
  if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) throw new Error("useBackend('webgpu'): navigator.gpu is not available");
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    // an optional peer dependency: not installed unless the user wants WebGPU
    throw new Error(`useBackend('webgpu'): @tensorflow/tfjs-backend-webgpu is not installed (npm install @tensorflow/tfjs-backend-webgpu@4.22.0): ${(e as Error).message}`);
  }
  webgpuLoaded = true;
}

async function trySet(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Selects the tfjs backend and returns its name. 'auto': in Node tfjs-node-gpu / tfjs-node if installed, else wasm,
 * else cpu; in a browser webgpu, then wasm, then cpu. 'webgpu' in Node uses the `webgpu` (Dawn) package.
 */
export async function useBackend(choice: BackendChoice = 'auto'): Promise<string> {
  if (choice === 'cpu' || choice === 'wasm') {
    if (!(await trySet(choice))) throw new Error(`useBackend('${choice}'): backend failed to initialise`);
  } else if (choice === 'webgpu') {
    await loadWebGPU();
    if (!(await trySet('webgpu'))) throw new Error("useBackend('webgpu'): no WebGPU adapter (in Node set VK_ICD_FILENAMES to a Vulkan driver, e.g. chromium's vk_swiftshader_icd.json)");
  } else if (choice === 'tensorflow') {
    const ok = (await optionalImport('@tensorflow/tfjs-node-gpu').then(() => true, () => false)) ||
      (await optionalImport('@tensorflow/tfjs-node').then(() => true, () => false));
    if (!ok || !(await trySet('tensorflow'))) throw new Error("useBackend('tensorflow'): @tensorflow/tfjs-node(-gpu) is not installed or failed to load");
  } else if (choice === 'auto') {
    let done = false;
    if (isNode) {
      for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
        if (done) break;
        const loaded = await optionalImport(pkg).then(() => true, () => false);
        if (loaded) done = await trySet('tensorflow');
      }
    } else {
      if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
        try {
          await loadWebGPU();
          done = await trySet('webgpu');
        } catch {
          done = false;
        }
      }
    }
    if (!done) done = await trySet('wasm');
    if (!done) done = await trySet('cpu');
    if (!done) throw new Error("useBackend('auto'): no backend could be initialised");
  } else {
    throw new Error(`useBackend: unknown backend ${JSON.stringify(choice)} (auto, cpu, wasm, webgpu, tensorflow)`);
  }
  await tf.ready();
  return tf.getBackend();
}
