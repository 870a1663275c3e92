// Loss curves as PNG (reports, terminals without SVG): the SVG of lossCurveSvg rasterised by resvg
// (@resvg/resvg-js, a prebuilt native renderer shipped inside the npm package), and a helper that writes either
// format atomically by file extension.
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from '@glyphlm/transformer-core/node';
import { lossCurveSvg, type LossCurveInput, type LossCurveOptions } from '../experiments/loss-curve-svg.js';

export interface LossCurvePngOptions extends LossCurveOptions {
  /** Pixel density: 2 draws a width x height SVG into 2·width x 2·height pixels (default 1). */
  scale?: number;
  /**
   * Font files for the labels (default: the system's fonts; the SVG asks for DejaVu Sans, Arial or Helvetica). On a
   * machine without any font, text is not drawn unless one is given here.
   */
  fontFiles?: string[];
}

/** PNG bytes of the loss curves. */
export function lossCurvePng(histories: LossCurveInput, opts: LossCurvePngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  if (!(typeof scale === 'number' && scale > 0 && scale <= 8)) throw new RangeError(`lossCurvePng: options.scale must be in (0, 8], got ${opts.scale}`);
  const svg = lossCurveSvg(histories, opts);
  const r = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, fontFiles: opts.fontFiles ?? [], defaultFontFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(r.render().asPng());
}

/** Writes the curves to `file` (temp file + rename): `.svg` as SVG text, `.png` as PNG. */
export async function writeLossCurve(file: string, histories: LossCurveInput, opts: LossCurvePngOptions = {}): Promise<void> {
  if (/\.svg$/i.test(file)) await writeFileAtomic(file, lossCurveSvg(histories, opts));
  else if (/\.png$/i.test(file)) await writeFileAtomic(file, lossCurvePng(histories, opts));
  else throw new RangeError(`writeLossCurve: ${file}: the file name must end in .svg or .png`);
}
