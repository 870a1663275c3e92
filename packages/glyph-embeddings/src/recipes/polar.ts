// The reference's "polar snake" bit order (reference-impl.md §2.5): pixels sorted by distance from (W/2, H/2)
// (integer dx^2 + dy^2, pixel coordinates not offset by 0.5), then by atan2(dy, dx), then x, then y.

const cache = new Map<string, Int32Array>();

/** Row-major pixel indices in polar-snake order for a width x height image (cached; do not mutate). */
export function polarOrder(width: number, height: number): Int32Array {
  const key = `${width}x${height}`;
  let order = cache.get(key);
  if (!order) {
    const cx = width / 2, cy = height / 2;
    const px: { i: number; r2: number; t: number; x: number; y: number }[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = x - cx, dy = y - cy;
        px.push({ i: y * width + x, r2: dx * dx + dy * dy, t: Math.atan2(dy, dx), x, y });
      }
    }
    px.sort((a, b) => a.r2 - b.r2 || a.t - b.t || a.x - b.x || a.y - b.y);
    order = Int32Array.from(px, (p) => p.i);
    cache.set(key, order);
  }
  return order;
}

/** Bits of a grey image (0 = ink) in polar order, as 0/1 bytes. */
export function polarBits(img: { width: number; height: number; data: Uint8Array }, threshold = 128): Uint8Array {
  const order = polarOrder(img.width, img.height);
  const out = new Uint8Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = img.data[order[k]] < threshold ? 1 : 0;
  return out;
}

/** Hex string (MSB first, bit k = k-th polar pixel) of 0/1 bits, as printed in reference-impl.md §2.7. */
export function bitsToHex(bits: ArrayLike<number>): string {
  let s = '';
  for (let k = 0; k < bits.length; k += 4) {
    const v = (bits[k] << 3) | ((bits[k + 1] ?? 0) << 2) | ((bits[k + 2] ?? 0) << 1) | (bits[k + 3] ?? 0);
    s += v.toString(16);
  }
  return s;
}
