// esbuild plugin for dist/: tfjs stays external (the user's single instance, a peer dependency), except tfjs-core's
// two registration modules (`dist/register_all_gradients`, `dist/public/chained_ops/register_all_chained_ops`),
// which plain Node ESM cannot load (extensionless ESM imports in a package without "type": "module"). Those are
// bundled, with every import that names public tfjs-core API rewritten to the external '@tensorflow/tfjs-core', so
// the gradients and chained ops register into the user's tfjs (its kernel/gradient registries, engine and Tensor
// class). Only the gradient functions and a few pure helpers tfjs does not export (slice_util, conv_util, ...,
// ~190 KB before minification) are copied; no engine, tensor class, op or backend.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'];

// Internal tfjs-core names that are not public API, mapped to the public API that returns the same object.
const SHIMS = {
  engine: { ENGINE: "import { engine as __tfEngine } from '@tensorflow/tfjs-core';\nconst ENGINE = __tfEngine();" },
  tensor: { getGlobalTensorClass: "import { Tensor as __TfTensor } from '@tensorflow/tfjs-core';\nconst getGlobalTensorClass = () => __TfTensor;" },
};

/** The plugin; `packageRoot` is the directory whose node_modules resolve tfjs. */
export function tfjsExternal(packageRoot) {
  const require = createRequire(join(packageRoot, 'package.json'));
  const coreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  const coreDist = join(coreDir, 'dist');
  const publicNames = new Set(Object.keys(require('@tensorflow/tfjs-core')));
  const rewriteImports = (file, src) =>
    src.replace(/^import \{([^}]*)\} from '(\.[^']*)';$/gm, (_m, names, spec) => {
      const target = resolve(dirname(file), spec).slice(coreDist.length + 1);
      const out = [];
      const internal = [];
      for (const name of names.split(',').map((s) => s.trim()).filter(Boolean)) {
        const [original, alias] = name.split(/\s+as\s+/);
        const shim = SHIMS[target]?.[original];
        if (shim && !alias) out.push(shim);
        else if (publicNames.has(original)) out.push(`import { ${name} } from '@tensorflow/tfjs-core';`);
        else internal.push(name);
      }
      if (internal.length) out.push(`import { ${internal.join(', ')} } from '${spec}';`);
      return out.join('\n');
    });
  return {
    name: 'tfjs-external',
    setup(b) {
      const bare = new RegExp(`^(${TFJS_PACKAGES.map((p) => p.replace(/[/-]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter: bare }, (args) => ({ path: args.path, external: true }));
      b.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\// }, (args) => ({ path: `${join(coreDir, args.path.slice('@tensorflow/tfjs-core/'.length))}.js` }));
      b.onLoad({ filter: /tfjs-core[\\/]dist[\\/].*\.js$/ }, (args) => ({ contents: rewriteImports(args.path, readFileSync(args.path, 'utf8')), loader: 'js', resolveDir: dirname(args.path) }));
    },
  };
}
