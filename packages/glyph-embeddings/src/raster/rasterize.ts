// Pure-TS signed-area accumulation rasterizer (font-rs style, per-row accumulation). Deterministic (plain double
// arithmetic in a fixed order, same bytes in Node and browsers), clips to the canvas, flattens quadratic and cubic
// curves to a chord error <= 0.02 px. Coverage is min(1, |winding area|) -> 0..255.
import { PATH_CLOSE, PATH_CUBIC, PATH_LINE, PATH_MOVE, PATH_QUAD, type PathCommands } from '../types.js';

/** Affine map from path units to pixels: x' = a*x + c*y + e, y' = b*x + d*y + f (canvas/SVG order). */
export type Transform = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

export const IDENTITY: Transform = [1, 0, 0, 1, 0, 0];

/** Transform for font units (y up) at `scale` px/unit with the glyph origin (baseline) at pixel (ox, oy). */
export function fontTransform(scale: number, ox: number, oy: number): Transform {
  return [scale, 0, 0, -scale, ox, oy];
}

const TOL = 0.02;

/** Accumulation buffer for one canvas; reusable for many paths of the same size. */
export class Rasterizer {
  readonly stride: number;
  readonly acc: Float64Array;
  constructor(readonly width: number, readonly height: number) {
    this.stride = width + 2;
    this.acc = new Float64Array(this.stride * height);
  }

  clear(): void {
    this.acc.fill(0);
  }

  /** Adds one straight edge (pixel coordinates). Parts left of x=0 become verticals at 0; parts right of width vanish. */
  line(x0: number, y0: number, x1: number, y1: number): void {
    if (y0 === y1) return;
    const w = this.width;
    // Clip horizontally by splitting at x = 0 and x = w.
    if ((x0 < 0 && x1 > 0) || (x0 > 0 && x1 < 0)) {
      const t = (0 - x0) / (x1 - x0);
      const ym = y0 + t * (y1 - y0);
      this.line(x0, y0, 0, ym);
      this.line(0, ym, x1, y1);
      return;
    }
    if ((x0 < w && x1 > w) || (x0 > w && x1 < w)) {
      const t = (w - x0) / (x1 - x0);
      const ym = y0 + t * (y1 - y0);
      this.line(x0, y0, w, ym);
      this.line(w, ym, x1, y1);
      return;
    }
    if (x0 >= w && x1 >= w) return;
    if (x0 <= 0 && x1 <= 0) { x0 = 0; x1 = 0; }
    // Guard against rounding in the split points.
    x0 = x0 < 0 ? 0 : x0 > w ? w : x0;
    x1 = x1 < 0 ? 0 : x1 > w ? w : x1;
    this.edge(x0, y0, x1, y1);
  }

  private edge(px0: number, py0: number, px1: number, py1: number): void {
    let dir = 1, ax = px0, ay = py0, bx = px1, by = py1;
    if (py0 > py1) { dir = -1; ax = px1; ay = py1; bx = px0; by = py0; }
    const h = this.height;
    if (by <= 0 || ay >= h) return;
    const dxdy = (bx - ax) / (by - ay);
    let x = ax;
    if (ay < 0) x -= ay * dxdy;
    const yStart = Math.max(0, Math.floor(ay));
    const yEnd = Math.min(h, Math.ceil(by));
    const acc = this.acc, stride = this.stride;
    for (let y = yStart; y < yEnd; y++) {
      const ls = y * stride;
      const dy = Math.min(y + 1, by) - Math.max(y, ay);
      const xnext = x + dxdy * dy;
      const d = dy * dir;
      let x0 = x, x1 = xnext;
      if (x0 > x1) { x0 = xnext; x1 = x; }
      const x0f = Math.floor(x0), x1c = Math.ceil(x1);
      const x0i = x0f, x1i = x1c;
      if (x1i <= x0i + 1) {
        const xmf = 0.5 * (x + xnext) - x0f;
        acc[ls + x0i] += d - d * xmf;
        acc[ls + x0i + 1] += d * xmf;
      } else {
        const s = 1 / (x1 - x0);
        const x0r = x0 - x0f;
        const a0 = 0.5 * s * (1 - x0r) * (1 - x0r);
        const x1r = x1 - x1c + 1;
        const am = 0.5 * s * x1r * x1r;
        acc[ls + x0i] += d * a0;
        if (x1i === x0i + 2) {
          acc[ls + x0i + 1] += d * (1 - a0 - am);
        } else {
          const a1 = s * (1.5 - x0r);
          acc[ls + x0i + 1] += d * (a1 - a0);
          for (let xi = x0i + 2; xi < x1i - 1; xi++) acc[ls + xi] += d * s;
          const a2 = a1 + (x1i - x0i - 3) * s;
          acc[ls + x1i - 1] += d * (1 - a2 - am);
        }
        acc[ls + x1i] += d * am;
      }
      x = xnext;
    }
  }

  /** Adds a path (flat commands) mapped through `t`. Open contours are closed implicitly. */
  path(cmds: PathCommands, t: Transform = IDENTITY): void {
    const [a, b, c, d, e, f] = t;
    let sx = 0, sy = 0, cx = 0, cy = 0, open = false;
    const n = cmds.length;
    let i = 0;
    while (i < n) {
      const op = cmds[i];
      if (op === PATH_MOVE) {
        if (open && (cx !== sx || cy !== sy)) this.line(cx, cy, sx, sy);
        const x = cmds[i + 1], y = cmds[i + 2];
        sx = cx = a * x + c * y + e; sy = cy = b * x + d * y + f; open = true;
        i += 3;
      } else if (op === PATH_LINE) {
        const x = cmds[i + 1], y = cmds[i + 2];
        const nx = a * x + c * y + e, ny = b * x + d * y + f;
        this.line(cx, cy, nx, ny); cx = nx; cy = ny;
        i += 3;
      } else if (op === PATH_QUAD) {
        const qx = a * cmds[i + 1] + c * cmds[i + 2] + e, qy = b * cmds[i + 1] + d * cmds[i + 2] + f;
        const nx = a * cmds[i + 3] + c * cmds[i + 4] + e, ny = b * cmds[i + 3] + d * cmds[i + 4] + f;
        const ddx = cx - 2 * qx + nx, ddy = cy - 2 * qy + ny;
        const dd = Math.sqrt(ddx * ddx + ddy * ddy);
        const steps = Math.max(1, Math.ceil(Math.sqrt(dd / (4 * TOL))));
        let px = cx, py = cy;
        for (let k = 1; k <= steps; k++) {
          const tt = k / steps, u = 1 - tt;
          const x = k === steps ? nx : u * u * cx + 2 * u * tt * qx + tt * tt * nx;
          const y = k === steps ? ny : u * u * cy + 2 * u * tt * qy + tt * tt * ny;
          this.line(px, py, x, y); px = x; py = y;
        }
        cx = nx; cy = ny;
        i += 5;
      } else if (op === PATH_CUBIC) {
        const p1x = a * cmds[i + 1] + c * cmds[i + 2] + e, p1y = b * cmds[i + 1] + d * cmds[i + 2] + f;
        const p2x = a * cmds[i + 3] + c * cmds[i + 4] + e, p2y = b * cmds[i + 3] + d * cmds[i + 4] + f;
        const nx = a * cmds[i + 5] + c * cmds[i + 6] + e, ny = b * cmds[i + 5] + d * cmds[i + 6] + f;
        const m1 = Math.hypot(cx - 2 * p1x + p2x, cy - 2 * p1y + p2y);
        const m2 = Math.hypot(p1x - 2 * p2x + nx, p1y - 2 * p2y + ny);
        const steps = Math.max(1, Math.ceil(Math.sqrt((6 * Math.max(m1, m2)) / (8 * TOL))));
        let px = cx, py = cy;
        for (let k = 1; k <= steps; k++) {
          const tt = k / steps, u = 1 - tt;
          const w0 = u * u * u, w1 = 3 * u * u * tt, w2 = 3 * u * tt * tt, w3 = tt * tt * tt;
          const x = k === steps ? nx : w0 * cx + w1 * p1x + w2 * p2x + w3 * nx;
          const y = k === steps ? ny : w0 * cy + w1 * p1y + w2 * p2y + w3 * ny;
          this.line(px, py, x, y); px = x; py = y;
        }
        cx = nx; cy = ny;
        i += 7;
      } else if (op === PATH_CLOSE) {
        if (open && (cx !== sx || cy !== sy)) this.line(cx, cy, sx, sy);
        cx = sx; cy = sy; open = false;
        i += 1;
      } else {
        throw new RangeError(`rasterizePath: unknown path command ${op} at index ${i}`);
      }
    }
    if (open && (cx !== sx || cy !== sy)) this.line(cx, cy, sx, sy);
  }

  /** Coverage 0..255 (row-major, width*height): round(255 * min(1, |running sum|)) per row. */
  coverage(out: Uint8Array = new Uint8Array(this.width * this.height)): Uint8Array {
    const { width: w, height: h, stride, acc } = this;
    for (let y = 0; y < h; y++) {
      let s = 0;
      const ls = y * stride, lo = y * w;
      for (let x = 0; x < w; x++) {
        s += acc[ls + x];
        const v = s < 0 ? -s : s;
        out[lo + x] = v >= 1 ? 255 : Math.round(v * 255);
      }
    }
    return out;
  }
}

/**
 * Rasterizes a path (flat commands) into a `width x height` coverage image (0 = empty, 255 = fully covered).
 * `transform` maps path units to pixels; use {@link fontTransform} for font outlines (y up).
 */
export function rasterizePath(cmds: PathCommands, width: number, height: number, transform: Transform = IDENTITY): Uint8Array {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`rasterizePath: width/height must be positive integers, got ${width}x${height}`);
  }
  const r = new Rasterizer(width, height);
  r.path(cmds, transform);
  return r.coverage();
}
