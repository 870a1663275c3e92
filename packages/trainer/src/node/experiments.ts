// Node adapter: experiments part (see index.ts): loss curves as PNG files for reports.
export { lossCurvePng, writeLossCurve, type LossCurvePngOptions } from './experiments-png.js';
