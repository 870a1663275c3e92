# Python peer for the bench (own code, following reference-impl.md §2): renders every token with Pillow exactly as
# the author's notebooks do (test/pillow_ref.py), then full-rank PCA as sklearn's "full" solver does it (LAPACK
# gesdd SVD of the centred float32 matrix via numpy; sklearn itself is not installed here) and row L2
# normalisation. Prints one JSON line with stage times and writes the polar bit rows (hex) for a parity check.
# Usage: python3 python_ref.py VARIANT tokens.json bits_out.txt
import json, os, sys, time
t0 = time.time()
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test'))
from pillow_ref import make_renderer
variant, tokens_path, bits_path = sys.argv[1], sys.argv[2], sys.argv[3]
render, SIZE = make_renderer(variant)
tokens = json.load(open(tokens_path, encoding='utf-8'))
t1 = time.time()
hexes = [render(t) for t in tokens]
t2 = time.time()
dim = SIZE ** 2
if os.environ.get('SKIP_PCA') == '1':
    open(bits_path, 'w').write('\n'.join(hexes) + '\n')
    print(json.dumps({'startup': t1 - t0, 'render': t2 - t1, 'pca': None, 'total': t2 - t0, 'rows': len(tokens), 'dim': SIZE ** 2}))
    sys.exit(0)
X = np.unpackbits(np.frombuffer(bytes.fromhex(''.join(hexes)), dtype=np.uint8)).reshape(len(tokens), dim).astype(np.float32)
Xc = X - X.mean(axis=0)
U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
E = U * S
E /= np.maximum(np.linalg.norm(E, axis=1, keepdims=True), np.finfo(np.float32).tiny)
t3 = time.time()
open(bits_path, 'w').write('\n'.join(hexes) + '\n')
print(json.dumps({'startup': t1 - t0, 'render': t2 - t1, 'pca': t3 - t2, 'total': t3 - t0, 'rows': len(tokens), 'dim': dim}))
